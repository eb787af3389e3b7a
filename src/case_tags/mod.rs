//! The `case-tags` interface: add and remove tags of a case with a read-modify-write
//! loop that retries on Kibana's 409, so concurrent taggers lose nothing; list the
//! tags in use.

#[allow(unused_imports)]
use crate::rt::prelude::*;

#[cfg(test)]
mod tests;

use crate::api::case_tags::TagsOutput;
use crate::cases;
use crate::kibana::{routes, Client, Request};
use crate::types::{ErrorInfo, ErrorKind, Owner};
use crate::validate;
use elastic_security_wire::cases::CasePatch;

/// Reads + writes at most this many times in all (the WIT promises 10).
pub const MAX_ATTEMPTS: u32 = 10;

/// The pause before attempt `attempt` (2, 3, ...): 10 ms doubling up to 160 ms, scaled
/// by a jitter in [0.5, 1) drawn from `seed` (this call's own case id and tags), so that
/// writers who just collided spread out instead of colliding again. At most 0.95 s in
/// all over the 9 retries.
pub fn backoff_ms(attempt: u32, seed: u64) -> u32 {
    let base = 10u32 << attempt.saturating_sub(2).min(4);
    let mix = seed
        .wrapping_add(u64::from(attempt))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> 59; // 0..=31
    let jitter = u32::try_from(mix).unwrap_or(0);
    base / 2 + base / 2 * jitter / 32
}

/// FNV-1a over the case id and tags: the jitter seed of one call.
fn seed_of(case_id: &str, tags: &[String]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for bytes in core::iter::once(case_id.as_bytes()).chain(tags.iter().map(|t| t.as_bytes())) {
        for &b in bytes.iter().chain(core::iter::once(&0xff)) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// How the tag list changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Add,
    Remove,
}

/// `GET /api/cases/tags`, with `owner` repeated when given.
pub fn get_case_tags(client: &Client, owners: &[Owner]) -> Result<Vec<String>, ErrorInfo> {
    let path = routes::with_owners("/api/cases/tags".into(), owners);
    client.call(&Request::get(path), "a valid list of tags", Ok)
}

/// Adds each tag not already on the case (exact match), keeping Kibana's order.
pub fn add_tag(client: &Client, case_id: &str, tags: &[String]) -> Result<TagsOutput, ErrorInfo> {
    change_tags(client, case_id, tags, Change::Add)
}

/// Removes each given tag present on the case (exact match).
pub fn remove_tag(
    client: &Client,
    case_id: &str,
    tags: &[String],
) -> Result<TagsOutput, ErrorInfo> {
    change_tags(client, case_id, tags, Change::Remove)
}

/// `current` plus every tag of `new` not yet in it, in order.
pub fn with_added(current: &[String], new: &[String]) -> Vec<String> {
    let mut tags = current.to_vec();
    for tag in new {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    tags
}

/// `current` without the tags of `drop`.
pub fn without_removed(current: &[String], drop: &[String]) -> Vec<String> {
    current
        .iter()
        .filter(|tag| !drop.contains(tag))
        .cloned()
        .collect()
}

fn change_tags(
    client: &Client,
    case_id: &str,
    tags: &[String],
    change: Change,
) -> Result<TagsOutput, ErrorInfo> {
    let case_id = validate::id("case-id", case_id)?;
    let given = validate::tag_changes("tags", tags)?;
    if change == Change::Add && given.len() > validate::MAX_TAGS {
        // More distinct tags than any case can hold: refused before reading.
        return Err(validate::invalid(
            "tags",
            format!(
                "at most {} tags on a case (got {} to add)",
                validate::MAX_TAGS,
                given.len()
            ),
        ));
    }
    let mut attempt = 1;
    loop {
        let case = cases::read_case(client, case_id)?;
        let updated = match change {
            Change::Add => with_added(&case.tags, &given),
            Change::Remove => without_removed(&case.tags, &given),
        };
        if updated == case.tags {
            // Nothing to write: every tag is already there (or already gone).
            return Ok(TagsOutput {
                case_id: case.id,
                tags: case.tags,
                version: case.version,
            });
        }
        if updated.len() > validate::MAX_TAGS {
            // Known only after the read, so not `invalid-input`: answered the way
            // Kibana itself would refuse the write.
            return Err(ErrorInfo {
                status_code: 400,
                kind: ErrorKind::BadRequest,
                message: format!(
                    "tags: the case would have {} tags; Kibana allows at most {}",
                    updated.len(),
                    validate::MAX_TAGS
                ),
            });
        }
        let patch = CasePatch {
            tags: Some(&updated),
            ..CasePatch::new(case_id, &case.version)
        };
        let result = cases::patch_case(client, patch, |case| {
            Ok(TagsOutput {
                case_id: case.id,
                tags: case.tags,
                version: case.version,
            })
        });
        match result {
            Err(err) if err.status_code == 409 && attempt < MAX_ATTEMPTS => {
                attempt += 1;
                client.pause(backoff_ms(attempt, seed_of(case_id, &given)));
            }
            Err(mut err) if err.status_code == 409 => {
                err.message = format!(
                    "{} (still conflicting after {MAX_ATTEMPTS} attempts)",
                    err.message
                );
                return Err(err);
            }
            other => return other,
        }
    }
}
