//! Blocks processed in parallel, results consumed in block order: the loop every streamed pass
//! runs (read a strip, compute on it, hand the result to a sink that merges or writes).
//!
//! One worker thread per reader takes the next block as soon as it is free, so a slow strip
//! (a full one beside one of nodata) does not hold the others back, and the sink runs on the
//! calling thread while the workers compute. A worker starts block `i` only when fewer than
//! `readers + 1` blocks are ahead of the sink (`i < sunk + readers + 1`), so at most that many
//! results wait for the sink and memory stays bounded by the readers, not by the raster.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, PoisonError};

use super::Block;
use crate::error::Result;

/// How many blocks have been handed to the sink, and whether the run stopped (an error or a
/// panic): workers wait on it before starting a block too far ahead.
struct Gate {
    sunk: Mutex<usize>,
    moved: Condvar,
    stop: AtomicBool,
}

impl Gate {
    /// Waits until block `i` may start (`i < sunk + lookahead`); false when the run stopped.
    fn wait_for(&self, i: usize, lookahead: usize) -> bool {
        let mut sunk = self.sunk.lock().unwrap_or_else(PoisonError::into_inner);
        while i >= *sunk + lookahead && !self.stop.load(Ordering::Acquire) {
            sunk = self
                .moved
                .wait(sunk)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !self.stop.load(Ordering::Acquire)
    }

    fn advance(&self) {
        *self.sunk.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.moved.notify_all();
    }

    fn halt(&self) {
        self.stop.store(true, Ordering::Release);
        let _guard = self.sunk.lock().unwrap_or_else(PoisonError::into_inner);
        self.moved.notify_all();
    }
}

/// Runs `f` on every block with one of `readers` (one worker each), handing the results to
/// `sink` in block order. The first error in block order (of `f` or of `sink`) stops the run
/// and is returned; a panic in `f` is resumed on the calling thread. With one reader the
/// blocks run one after the other on the calling thread.
pub fn for_each_block<R: Send, T: Send>(
    blocks: &[Block],
    readers: &mut [R],
    f: impl Fn(&mut R, &Block) -> Result<T> + Sync,
    mut sink: impl FnMut(&Block, T) -> Result<()>,
) -> Result<()> {
    if readers.len() <= 1 {
        let Some(r) = readers.first_mut() else {
            return Ok(());
        };
        for b in blocks {
            sink(b, f(r, b)?)?;
        }
        return Ok(());
    }
    let lookahead = readers.len() + 1;
    let next = AtomicUsize::new(0);
    let gate = Gate {
        sunk: Mutex::new(0),
        moved: Condvar::new(),
        stop: AtomicBool::new(false),
    };
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        for r in readers.iter_mut() {
            let (tx, next, gate, f) = (tx.clone(), &next, &gate, &f);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::AcqRel);
                    if i >= blocks.len() || !gate.wait_for(i, lookahead) {
                        return;
                    }
                    let out = catch_unwind(AssertUnwindSafe(|| f(r, &blocks[i])));
                    if tx.send((i, out)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        for (i, out) in rx.iter() {
            waiting.insert(i, out);
            while let Some(out) = waiting.remove(&want) {
                let sunk = match out {
                    Ok(Ok(t)) => sink(&blocks[want], t),
                    Ok(Err(e)) => Err(e),
                    Err(panic) => {
                        gate.halt();
                        resume_unwind(panic);
                    }
                };
                if let Err(e) = sunk {
                    gate.halt();
                    return Err(e);
                }
                want += 1;
                gate.advance();
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::raster::tile;

    fn blocks(n: usize) -> Vec<Block> {
        tile((n, 3), (1, 0), 0)
    }

    #[test]
    fn results_reach_the_sink_in_block_order_whatever_finishes_first() {
        let bs = blocks(40);
        for readers in [1, 2, 3] {
            let mut rs: Vec<usize> = vec![0; readers];
            let mut seen = Vec::new();
            for_each_block(
                &bs,
                &mut rs,
                |used, b| {
                    *used += 1;
                    // Early blocks take longest, so later ones finish first.
                    std::thread::sleep(std::time::Duration::from_micros(
                        (40 - b.core.row0 as u64) * 50,
                    ));
                    Ok(b.core.row0 * 10)
                },
                |b, v| {
                    assert_eq!(v, b.core.row0 * 10);
                    seen.push(b.core.row0);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(seen, (0..40).collect::<Vec<_>>(), "{readers} readers");
            assert_eq!(rs.iter().sum::<usize>(), 40, "every block read once");
        }
    }

    #[test]
    fn no_more_than_the_lookahead_waits_for_the_sink() {
        // The sink is slow: workers must stop at `sunk + readers + 1`.
        let bs = blocks(30);
        let mut rs = vec![(); 2];
        let started = AtomicUsize::new(0);
        let sunk = AtomicUsize::new(0);
        let max_ahead = AtomicUsize::new(0);
        for_each_block(
            &bs,
            &mut rs,
            |_, _| {
                let s = started.fetch_add(1, Ordering::SeqCst) + 1;
                let ahead = s - sunk.load(Ordering::SeqCst);
                max_ahead.fetch_max(ahead, Ordering::SeqCst);
                Ok(())
            },
            |_, ()| {
                std::thread::sleep(std::time::Duration::from_millis(2));
                sunk.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(started.load(Ordering::SeqCst), 30);
        assert!(max_ahead.load(Ordering::SeqCst) <= 3, "{max_ahead:?}");
    }

    #[test]
    fn the_first_error_in_block_order_is_returned_and_stops_the_run() {
        let bs = blocks(50);
        let mut rs = vec![(); 2];
        let ran = AtomicUsize::new(0);
        let mut sunk = Vec::new();
        let err = for_each_block(
            &bs,
            &mut rs,
            |_, b| {
                ran.fetch_add(1, Ordering::SeqCst);
                match b.core.row0 {
                    7 => Err(Error::input("strip7.tif", "bad strip")),
                    9 => Err(Error::input("strip9.tif", "bad strip")),
                    r => Ok(r),
                }
            },
            |_, r| {
                sunk.push(r);
                Ok(())
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("strip7.tif"), "{err}");
        assert_eq!(sunk, (0..7).collect::<Vec<_>>());
        assert!(ran.load(Ordering::SeqCst) < 50, "the run stopped early");

        // A sink error stops it too.
        let err = for_each_block(
            &bs,
            &mut rs,
            |_, b| Ok(b.core.row0),
            |_, r| {
                if r == 3 {
                    Err(Error::input("out.tif", "disk full"))
                } else {
                    Ok(())
                }
            },
        )
        .unwrap_err();
        assert!(err.to_string().contains("out.tif"), "{err}");
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller() {
        let bs = blocks(10);
        let mut rs = vec![(); 2];
        let caught = catch_unwind(AssertUnwindSafe(|| {
            for_each_block(
                &bs,
                &mut rs,
                |_, b| {
                    assert!(b.core.row0 != 4, "worker bug");
                    Ok(())
                },
                |_, ()| Ok(()),
            )
        }));
        assert!(caught.is_err());
    }
}
