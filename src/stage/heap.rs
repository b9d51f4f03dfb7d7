//! Handing the heap a finished stage freed back to the system before the next one allocates.
//!
//! glibc keeps freed small and medium blocks (below its mmap threshold, up to 32 MiB) in its
//! arenas for reuse. After a streamed detection the arenas hold a few hundred MiB of strips'
//! arrays that the map products, with their own block sizes, mostly do not reuse: RSS sampled
//! through the default command on a full scene stayed at 640 MiB after detection and peaked at
//! 916 MiB while the thermal map was drawn (docs/performance.md).

/// Returns the allocator's free memory to the system (glibc `malloc_trim`); nothing elsewhere.
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
