//! The component's allocator (wasm32 only): dlmalloc, the allocator std uses on
//! wasm, fed first with the free tail of the initial linear memory.
//!
//! Why: dlmalloc as std configures it on `wasm32-wasip2` takes every byte it hands
//! out from `memory.grow`, so each fresh instance grows its memory on its first
//! allocation. For a host that keeps memory slots between calls (wasmtime's pooling
//! allocator), growing past the initial size means changing page protections twice
//! per call (`mprotect` to expose, and again to hide at the next instantiation),
//! system calls that also interrupt every other thread of the host process to flush
//! their TLBs. `build.rs` gives the component an initial memory with room for the
//! heap of ordinary calls, and this allocator uses that room before growing: most
//! calls never grow memory at all.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::{Cell, UnsafeCell};

/// WebAssembly's page size.
const PAGE: usize = 64 * 1024;

extern "C" {
    /// Where the linker's data and stack end: the heap starts here.
    static __heap_base: u8;
}

/// Where dlmalloc gets its memory: the initial memory's tail first, a request at a
/// time, then `memory.grow` (as dlmalloc's own wasm `System` does).
struct Memory {
    /// Where the unused part of the initial memory's tail starts; 0 until the
    /// first request.
    next: Cell<usize>,
    /// Where the initial memory ends (read at the first request).
    end: Cell<usize>,
}

// SAFETY: the component is single-threaded (wasm32-wasip2 without threads).
unsafe impl Send for Memory {}

// SAFETY: each region handed out is memory the allocator owns from then on: a part
// of the initial memory's tail (below the initial memory size, above the linker's
// data and stack, each byte handed out once, zero at instantiation) or pages fresh
// from `memory.grow` (zero).
unsafe impl dlmalloc::Allocator for Memory {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        if self.next.get() == 0 {
            self.next.set(core::ptr::addr_of!(__heap_base) as usize);
            self.end.set(wasm32::memory_size(0).saturating_mul(PAGE));
        }
        // The tail as dlmalloc asks for it (64 KiB and more at a time), not all at
        // once: what a call touches then stays together at the start of the heap,
        // which keeps it within the pages a pooling host keeps resident, and
        // dlmalloc's bookkeeping at the end of its region next to it. dlmalloc
        // joins regions that follow each other into one.
        let start = self.next.get();
        let size = size.div_ceil(PAGE).saturating_mul(PAGE);
        if start.saturating_add(size) <= self.end.get() {
            self.next.set(start + size);
            return (start as *mut u8, size, 0);
        }
        let pages = size / PAGE;
        let previous = wasm32::memory_grow(0, pages);
        if previous == usize::MAX {
            return (core::ptr::null_mut(), 0, 0);
        }
        let start = previous.saturating_mul(PAGE);
        // Never hand out the very last bytes of the 4 GiB address space: a Rust
        // pointer one past the end may not wrap to 0 (as dlmalloc's own `System`).
        if start.wrapping_add(size) == 0 {
            return (start as *mut u8, size - 16, 0);
        }
        (start as *mut u8, size, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        core::ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE
    }
}

pub struct Allocator(UnsafeCell<dlmalloc::Dlmalloc<Memory>>);

// SAFETY: single-threaded component; no call re-enters the allocator.
unsafe impl Sync for Allocator {}

impl Allocator {
    pub const fn new() -> Self {
        Allocator(UnsafeCell::new(dlmalloc::Dlmalloc::new_with_allocator(
            Memory {
                next: Cell::new(0),
                end: Cell::new(0),
            },
        )))
    }
}

// SAFETY: forwards to dlmalloc, whose contract is `GlobalAlloc`'s; the one `&mut`
// to the state exists only for the length of each call (single-threaded).
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe { (*self.0.get()).malloc(layout.size(), layout.align()) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe { (*self.0.get()).calloc(layout.size(), layout.align()) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: see the impl; `ptr` came from this allocator with `layout`.
        unsafe { (*self.0.get()).free(ptr, layout.size(), layout.align()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl; `ptr` came from this allocator with `layout`.
        unsafe { (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size) }
    }
}
