//! The component's `no_std` runtime: what Rust's standard library would otherwise
//! bring to wasm32-wasip2, kept to what the component needs, so that it imports
//! only `wasi:http`, `wasi:io` and the monotonic clock (no `wasi:cli`, filesystem,
//! random or sockets) and stays small. Natively the crate is an ordinary std crate
//! and only [`prelude`] (empty there) is compiled.

/// What std's prelude brings that `no_std` lacks: each module imports this.
pub mod prelude {
    #[cfg(target_arch = "wasm32")]
    pub use alloc::{
        borrow::ToOwned,
        boxed::Box,
        format,
        string::{String, ToString},
        vec,
        vec::Vec,
    };
}

#[cfg(target_arch = "wasm32")]
mod allocator;

/// The component's allocator: dlmalloc over the initial memory first (see
/// `allocator.rs`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: allocator::Allocator = allocator::Allocator::new();

/// Unreachable by design (no function panics: clippy denies the ways to panic in
/// `src/`). Were one reached, the call traps instead of formatting a message nobody
/// could read.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// `memcmp` for the `no_std` component: core's slice and string comparisons (and
/// serde's field matching) call it, and without std no C library supplies it
/// (memcpy and memset become bulk-memory instructions). Compares eight bytes at a
/// time, then finds the first differing byte.
///
/// # Safety
/// `a` and `b` must be valid for reads of `n` bytes (as for C's `memcmp`).
// Natively an ordinary (mangled) function, for its unit test; libc's is the real one.
#[cfg_attr(target_arch = "wasm32", no_mangle)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub unsafe extern "C" fn memcmp(
    a: *const core::ffi::c_void,
    b: *const core::ffi::c_void,
    n: usize,
) -> i32 {
    const WORD: usize = core::mem::size_of::<u64>();
    let (a, b) = (a.cast::<u8>(), b.cast::<u8>());
    let mut i = 0;
    while n - i >= WORD {
        // SAFETY: `i + 8 <= n`, and the caller guarantees `n` readable bytes at
        // each; unaligned reads are allowed.
        let (x, y) = unsafe {
            (
                a.add(i).cast::<u64>().read_unaligned(),
                b.add(i).cast::<u64>().read_unaligned(),
            )
        };
        if x != y {
            break;
        }
        i += WORD;
    }
    while i < n {
        // SAFETY: `i < n`, and the caller guarantees `n` readable bytes at each.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

/// The canonical ABI's allocator export, through which the host writes a call's
/// arguments into the component's memory. With std, wasi-libc supplies it; without,
/// the component does (the same logic as wit-bindgen's for targets without libc).
/// A layout the allocator cannot serve, or memory that cannot grow, traps.
///
/// # Safety
/// Called by the host as the canonical ABI says: `old` is null with `old_len` 0, or
/// a block this allocator returned with that length and `align`.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub unsafe extern "C" fn cabi_realloc(
    old: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use alloc::alloc::{alloc, dealloc, realloc, Layout};
    let Ok(layout) = Layout::from_size_align(if old_len == 0 { new_len } else { old_len }, align)
    else {
        core::arch::wasm32::unreachable()
    };
    let block = if old_len == 0 {
        if new_len == 0 {
            // A zero-sized block: any well-aligned non-null address.
            return align as *mut u8;
        }
        // SAFETY: `layout` has a non-zero size.
        unsafe { alloc(layout) }
    } else if new_len == 0 {
        // Shrinking to nothing (the canonical ABI never asks, but `realloc` may not
        // be given a zero size): free the block.
        // SAFETY: the caller passes a block of this allocator with this layout.
        unsafe { dealloc(old, layout) };
        return align as *mut u8;
    } else {
        // SAFETY: the caller passes a block of this allocator with this layout.
        unsafe { realloc(old, layout, new_len) }
    };
    if block.is_null() {
        core::arch::wasm32::unreachable()
    }
    block
}

#[cfg(test)]
mod tests {
    use super::memcmp;

    /// The sign of C's `memcmp` for two equally long slices.
    fn compare(a: &[u8], b: &[u8]) -> i32 {
        // SAFETY: both slices hold `a.len()` bytes.
        unsafe { memcmp(a.as_ptr().cast(), b.as_ptr().cast(), a.len()) }.signum()
    }

    #[test]
    fn memcmp_agrees_with_slice_order_at_every_offset_and_length() {
        for len in 0..40 {
            let base: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            assert_eq!(compare(&base, &base), 0, "len {len}");
            for at in 0..len {
                for delta in [1u8, 0x80, 0xff] {
                    let mut other = base.clone();
                    other[at] = other[at].wrapping_add(delta);
                    let expected = base.cmp(&other) as i32;
                    assert_eq!(compare(&base, &other), expected, "len {len} at {at}");
                    assert_eq!(compare(&other, &base), -expected, "len {len} at {at}");
                }
            }
        }
    }
}
