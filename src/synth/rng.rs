//! Deterministic random numbers: SplitMix64 (Steele, Lea & Flood 2014, the generator of Java's
//! `SplittableRandom`), implemented here so that a seed gives the same scene on every machine and
//! with every number of threads.
//!
//! Two uses:
//! * [`SplitMix64`], a sequential stream for per-scene and per-object choices;
//! * [`hash2`] / [`hash3`], counter-based values (the SplitMix64 finaliser of a key) for
//!   per-pixel and per-lattice-point values, so parallel loops draw the same value for the same
//!   pixel whatever the thread that computes it.

/// The golden-ratio increment of SplitMix64.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A counter-based value for key `(a, b)` under `seed`.
#[inline]
pub fn hash2(seed: u64, a: u64, b: u64) -> u64 {
    mix64(seed ^ mix64(a.wrapping_mul(GAMMA) ^ b.wrapping_add(GAMMA).rotate_left(29)))
}

/// A counter-based value for key `(a, b, c)` under `seed`.
#[inline]
pub fn hash3(seed: u64, a: u64, b: u64, c: u64) -> u64 {
    hash2(mix64(seed ^ c.wrapping_mul(GAMMA)), a, b)
}

/// Uniform in `[0, 1)` from the top 53 bits.
#[inline]
pub fn unit_f64(x: u64) -> f64 {
    (x >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform in `[-1, 1)` as `f32` from the top 24 bits.
#[inline]
pub fn signed_unit_f32(x: u64) -> f32 {
    (x >> 40) as f32 * (2.0 / (1u64 << 24) as f32) - 1.0
}

/// Two independent standard normal deviates from one 64-bit value (Box–Muller on two 32-bit
/// uniforms; the first uniform is offset by half a step so its logarithm is finite).
#[inline]
pub fn normal_pair(x: u64) -> (f64, f64) {
    let u1 = ((x >> 32) as f64 + 0.5) * (1.0 / 4_294_967_296.0);
    let u2 = (x & 0xFFFF_FFFF) as f64 * (1.0 / 4_294_967_296.0);
    let r = (-2.0 * u1.ln()).sqrt();
    let (s, c) = (std::f64::consts::TAU * u2).sin_cos();
    (r * c, r * s)
}

/// An approximately standard normal deviate from one 64-bit value: the sum of its four 16-bit
/// quarters as uniforms (Irwin–Hall, n = 4), centred and scaled to unit variance. Bounded at
/// ±3.46; cheap (no transcendental functions) for noise whose tails do not matter.
#[inline]
pub fn approx_normal(x: u64) -> f32 {
    let q = |k: u32| ((x >> (16 * k)) & 0xFFFF) as f32;
    let sum = q(0) + q(1) + q(2) + q(3);
    // Each quarter: mean 32767.5, variance ≈ 65536² / 12; the sum: variance 65536² / 3.
    (sum - 4.0 * 32767.5) * (1.732_050_8 / 65536.0)
}

/// SplitMix64 sequential generator.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// An independent generator for sub-stream `stream` (objects, water, …), so adding draws
    /// to one stream never changes another.
    pub fn stream(seed: u64, stream: u64) -> Self {
        Self::new(hash2(seed, stream, 0x5EED))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        mix64(self.state)
    }

    /// Uniform in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        unit_f64(self.next_u64())
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    /// Log-uniform in `[lo, hi]` (`lo > 0`).
    pub fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.next_f64()).exp()
    }

    /// Uniform integer in `[0, n)` (`n > 0`), by Lemire's multiply-shift (bias below 2^-32 for
    /// the sizes used here).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform integer in `[lo, hi]`.
    pub fn range_inclusive(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// A standard normal deviate.
    pub fn normal(&mut self) -> f64 {
        normal_pair(self.next_u64()).0
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_reference_outputs() {
        // Reference values of SplitMix64 seeded with 1234567 (the test vector of the C reference
        // implementation by Vigna, also used by numpy's SeedSequence test-suite).
        let mut r = SplitMix64::new(1_234_567);
        let got: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
        assert_eq!(
            got,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn pinned_streams() {
        // Pins the derived streams and hashes: changing them changes every generated scene.
        let mut s = SplitMix64::stream(42, 1);
        let a = s.next_u64();
        assert_eq!(a, SplitMix64::stream(42, 1).next_u64());
        assert_ne!(a, SplitMix64::stream(42, 2).next_u64());
        assert_ne!(hash2(1, 2, 3), hash2(1, 3, 2));
        assert_ne!(hash3(1, 2, 3, 4), hash3(1, 2, 3, 5));
    }

    #[test]
    fn uniform_ranges_and_normal_moments() {
        let mut r = SplitMix64::new(7);
        let n = 200_000;
        let (mut s, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let u = r.next_f64();
            assert!((0.0..1.0).contains(&u));
            let k = r.below(10);
            assert!(k < 10);
            let z = r.normal();
            s += z;
            s2 += z * z;
        }
        let mean = s / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "mean {mean}");
        assert!((var - 1.0).abs() < 0.02, "var {var}");
        let (mut a, mut a2) = (0.0, 0.0);
        for _ in 0..n {
            let z = f64::from(approx_normal(r.next_u64()));
            assert!(z.abs() < 3.47);
            a += z;
            a2 += z * z;
        }
        assert!((a / n as f64).abs() < 0.01);
        assert!((a2 / n as f64 - 1.0).abs() < 0.02);
        for _ in 0..1000 {
            let v = r.log_uniform(1.5, 25.0);
            assert!((1.5..=25.0).contains(&v));
            let f = signed_unit_f32(r.next_u64());
            assert!((-1.0..1.0).contains(&f));
        }
    }
}
