//! Reading a Kibana `_find` route page after page into one list, for the operations
//! that return all (`get-many-cases`, `get-many-comments`, and `get-case` with its
//! comments).

#[allow(unused_imports)]
use crate::rt::prelude::*;

use crate::types::ErrorInfo;
use crate::validate::{MAX_PAGE_WINDOW, MAX_PER_PAGE};

/// Items read per page: Kibana's maximum.
pub const PER_PAGE: u32 = MAX_PER_PAGE;
/// Pages read at most: Kibana serves no item past its 10000-item window.
pub const MAX_PAGES: u32 = (MAX_PAGE_WINDOW / MAX_PER_PAGE as u64) as u32;

/// Calls `read_page` with pages 1, 2, ... (each of [`PER_PAGE`] items) until the
/// `total` it reports or `limit` items are in hand, or a page comes back short.
/// Returns at most `limit` items (the last page's extra ones dropped) and the last
/// page's `total`. The first failure is the result: no partial list.
pub fn read_all<T>(
    limit: u32,
    mut read_page: impl FnMut(u32) -> Result<(Vec<T>, u32), ErrorInfo>,
) -> Result<(Vec<T>, u32), ErrorInfo> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut items = Vec::new();
    let mut total = 0;
    for page in 1..=MAX_PAGES {
        let (got, reported) = read_page(page)?;
        total = reported;
        let short = got.len() < PER_PAGE as usize;
        items.extend(got);
        if short || items.len() >= limit || items.len() >= total as usize {
            break;
        }
    }
    items.truncate(limit);
    Ok((items, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::invalid;

    /// A source of `total` items, as pages; records the pages asked for.
    fn pages(total: u32, asked: &mut Vec<u32>, limit: u32) -> Result<(Vec<u32>, u32), ErrorInfo> {
        read_all(limit, |page| {
            asked.push(page);
            let start = (page - 1) * PER_PAGE;
            let items = (start..total.min(start + PER_PAGE)).collect();
            Ok((items, total))
        })
    }

    #[test]
    fn read_all_stops_at_total_limit_or_a_short_page() {
        for (total, limit, expected_pages, expected_len) in [
            (0, 1000, vec![1], 0),
            (1, 1000, vec![1], 1),
            (100, 1000, vec![1], 100),
            (101, 1000, vec![1, 2], 101),
            (1001, 1000, (1..=10).collect(), 1000),
            (250, 150, vec![1, 2], 150),
            (20_000, 10_000, (1..=100).collect(), 10_000),
        ] {
            let mut asked = Vec::new();
            let (items, reported) = pages(total, &mut asked, limit).unwrap();
            assert_eq!(asked, expected_pages, "{total} {limit}");
            assert_eq!(items.len(), expected_len, "{total} {limit}");
            assert_eq!(reported, total);
            assert!(items.iter().copied().eq(0..expected_len as u32));
        }
    }

    #[test]
    fn read_all_fails_whole_on_any_page() {
        let err = read_all::<u32>(1000, |page| match page {
            1 => Ok(((0..100).collect(), 300)),
            _ => Err(invalid("x", "page 2 failed")),
        })
        .unwrap_err();
        assert_eq!(err.message, "x: page 2 failed");
    }
}
