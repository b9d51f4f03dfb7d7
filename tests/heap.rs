//! `stage::heap::release_free_heap` hands freed heap back to the system. Its own test binary
//! (one process, one test), so that no other test's allocations move the resident size.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn freed_blocks_leave_the_resident_set_once_released() {
    // Resident pages from /proc (the kernel's count, independent of the allocator).
    fn resident_mib() -> f64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: f64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096.0 / f64::from(1 << 20)
    }
    // 2000 blocks of 100 KiB (below glibc's mmap threshold, so they come from the arena),
    // touched so that they are resident; a small block allocated last stays, so the arena's
    // top cannot simply shrink when the others are freed.
    let blocks: Vec<Vec<u8>> = (0..2000)
        .map(|i| vec![(i % 251) as u8 + 1; 100 << 10])
        .collect();
    let keep = std::hint::black_box(Box::new([7u8; 64]));
    let full = resident_mib();
    drop(blocks);
    let freed = resident_mib();
    seamfire::stage::heap::release_free_heap();
    let released = resident_mib();
    assert!(
        freed - released > 150.0,
        "resident {full:.0} MiB with the blocks, {freed:.0} after freeing them, {released:.0} after release"
    );
    assert_eq!(keep[63], 7);
}
