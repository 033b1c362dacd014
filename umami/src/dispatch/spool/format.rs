//! The on-disk format of the spool, pure (no files): CRC-32, record framing, the two record
//! kinds (events in `*.seg`, settlements in `*.ack`) and a reader that skips damage.
//!
//! A frame is `MAGIC (4) | len: u32 LE | crc32fast::hash(body): u32 LE | body (len bytes)`. The magic's
//! first byte, `0xF7`, never occurs in UTF-8 text, so after damage the reader finds the next
//! frame by looking for it; the CRC decides whether what follows is a frame.

/// Marks the start of every frame.
pub(crate) const MAGIC: [u8; 4] = [0xF7, b'U', b'S', 0x01];
/// Bytes before a frame's body.
pub(crate) const FRAME_HEADER: usize = 12;
/// The largest frame body accepted; anything longer is damage.
pub(crate) const MAX_BODY: usize = 16 * 1024 * 1024;

/// Appends one frame holding `body` to `out`.
pub(crate) fn frame(out: &mut Vec<u8>, body: &[u8]) {
    out.extend_from_slice(&MAGIC);
    // Bodies are bounded by the caller (an event's JSON is far below 4 GiB).
    out.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    out.extend_from_slice(body);
}

/// One event as stored: what the queue needs to send it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRecord {
    pub(crate) seq: u64,
    /// When `track` accepted it, Unix milliseconds.
    pub(crate) created_ms: u64,
    pub(crate) has_user_agent: bool,
    /// The User-Agent passed the dispatcher's own bot check (so the hit may be batched).
    pub(crate) user_agent_checked: bool,
    pub(crate) distinct_id: Option<Box<str>>,
    pub(crate) body: Box<[u8]>,
}

/// Encodes an event frame: `seq u64 | created_ms u64 | flags u8 | id_len u16 | id | body`;
/// flags: 1 has a User-Agent, 2 has a distinct id, 4 the User-Agent passed the bot check.
pub(crate) fn encode_event(
    out: &mut Vec<u8>,
    seq: u64,
    created_ms: u64,
    (has_user_agent, user_agent_checked): (bool, bool),
    distinct_id: Option<&str>,
    body: &[u8],
) {
    let id = distinct_id.unwrap_or("").as_bytes();
    // Distinct ids are validated to far fewer bytes; a longer one is cut off the record's
    // flag so that it is sent as it was, only without its cache token.
    let id = if id.len() > usize::from(u16::MAX) {
        &[][..]
    } else {
        id
    };
    let mut payload = Vec::with_capacity(19 + id.len() + body.len());
    payload.extend_from_slice(&seq.to_le_bytes());
    payload.extend_from_slice(&created_ms.to_le_bytes());
    let flags = u8::from(has_user_agent)
        | (u8::from(distinct_id.is_some() && !id.is_empty()) << 1)
        | (u8::from(user_agent_checked) << 2);
    payload.push(flags);
    payload.extend_from_slice(&(id.len() as u16).to_le_bytes());
    payload.extend_from_slice(id);
    payload.extend_from_slice(body);
    frame(out, &payload);
}

/// Decodes an event frame's body; `None` when it is not one (damage that passed the CRC is
/// practically impossible, but a wrong layout must still not panic).
pub(crate) fn decode_event(body: &[u8]) -> Option<EventRecord> {
    let seq = u64::from_le_bytes(body.get(0..8)?.try_into().ok()?);
    let created_ms = u64::from_le_bytes(body.get(8..16)?.try_into().ok()?);
    let flags = *body.get(16)?;
    let id_len = usize::from(u16::from_le_bytes(body.get(17..19)?.try_into().ok()?));
    let id = body.get(19..19 + id_len)?;
    let json = body.get(19 + id_len..)?;
    let distinct_id = if flags & 2 != 0 {
        Some(std::str::from_utf8(id).ok()?.into())
    } else {
        None
    };
    Some(EventRecord {
        seq,
        created_ms,
        has_user_agent: flags & 1 != 0,
        user_agent_checked: flags & 4 != 0,
        distinct_id,
        body: json.into(),
    })
}

/// What an `.ack` frame says about a run of seqs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AckKind {
    /// Delivered, or failed for good: never to be sent again.
    Settled = 1,
    /// A request carrying them was about to be made: if they are found unsettled after a
    /// crash, the server may have stored them already (a possible duplicate).
    Attempted = 2,
    /// The request of their last `Attempted` mark cannot have stored them (no connection
    /// was made, or the server answered that it stored nothing): that mark no longer counts.
    /// Written only when no earlier attempt may have stored them. (Spools written before
    /// this kind existed never hold it; an older reader skips it as damage.)
    NotStored = 3,
}

/// Encodes an ack frame: `kind u8 | (start u64, count u32)*`.
pub(crate) fn encode_ack(out: &mut Vec<u8>, kind: AckKind, runs: &[(u64, u32)]) {
    let mut payload = Vec::with_capacity(1 + runs.len() * 12);
    payload.push(kind as u8);
    for &(start, count) in runs {
        payload.extend_from_slice(&start.to_le_bytes());
        payload.extend_from_slice(&count.to_le_bytes());
    }
    frame(out, &payload);
}

/// Decodes an ack frame's body.
pub(crate) fn decode_ack(body: &[u8]) -> Option<(AckKind, Vec<(u64, u32)>)> {
    let kind = match *body.first()? {
        1 => AckKind::Settled,
        2 => AckKind::Attempted,
        3 => AckKind::NotStored,
        _ => return None,
    };
    let rest = &body[1..];
    if rest.len() % 12 != 0 {
        return None;
    }
    let runs = rest
        .chunks_exact(12)
        .map(|c| {
            let start = u64::from_le_bytes(c[0..8].try_into().unwrap_or([0; 8]));
            let count = u32::from_le_bytes(c[8..12].try_into().unwrap_or([0; 4]));
            (start, count)
        })
        .collect();
    Some((kind, runs))
}

/// Groups seqs (in any order) into `(start, count)` runs of consecutive values.
pub(crate) fn runs_of(mut seqs: Vec<u64>) -> Vec<(u64, u32)> {
    seqs.sort_unstable();
    seqs.dedup();
    let mut runs: Vec<(u64, u32)> = Vec::new();
    for seq in seqs {
        match runs.last_mut() {
            Some((start, count)) if *start + u64::from(*count) == seq && *count < u32::MAX => {
                *count += 1;
            }
            _ => runs.push((seq, 1)),
        }
    }
    runs
}

/// What [`Frames`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found<'a> {
    /// A frame whose CRC matches, and the offset just after it.
    Frame(&'a [u8], usize),
    /// Bytes that are not a valid frame were skipped up to this offset (a torn tail, flipped
    /// bits, garbage). Counted once per damaged stretch.
    Damage(usize),
}

/// Walks the frames of a buffer from `offset`, resynchronising on [`MAGIC`] after damage.
/// Never panics; always advances, so it always ends.
#[derive(Debug)]
pub(crate) struct Frames<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Frames<'a> {
    pub(crate) fn new(buf: &'a [u8], offset: usize) -> Self {
        Frames {
            buf,
            pos: offset.min(buf.len()),
        }
    }

    /// A valid frame starting exactly at `at`: its body and end offset.
    fn frame_at(&self, at: usize) -> Option<(&'a [u8], usize)> {
        let header = self.buf.get(at..at + FRAME_HEADER)?;
        if header[0..4] != MAGIC {
            return None;
        }
        let len = u32::from_le_bytes(header[4..8].try_into().ok()?) as usize;
        if len > MAX_BODY {
            return None;
        }
        let crc = u32::from_le_bytes(header[8..12].try_into().ok()?);
        let end = at + FRAME_HEADER + len;
        let body = self.buf.get(at + FRAME_HEADER..end)?;
        (crc32fast::hash(body) == crc).then_some((body, end))
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Found<'a>;

    fn next(&mut self) -> Option<Found<'a>> {
        if self.pos >= self.buf.len() {
            return None;
        }
        if let Some((body, end)) = self.frame_at(self.pos) {
            self.pos = end;
            return Some(Found::Frame(body, end));
        }
        // Damage: find the next offset where a valid frame starts, or the end.
        let mut at = self.pos + 1;
        loop {
            match self.buf[at.min(self.buf.len())..]
                .iter()
                .position(|&b| b == MAGIC[0])
            {
                None => {
                    at = self.buf.len();
                    break;
                }
                Some(i) => {
                    at += i;
                    if self.frame_at(at).is_some() {
                        break;
                    }
                    at += 1;
                }
            }
        }
        self.pos = at;
        Some(Found::Damage(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_checksum_is_the_standard_crc32() {
        // The on-disk format names CRC-32 (IEEE); spools written before crc32fast used the
        // same function, so they keep opening.
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32fast::hash(b""), 0);
        assert_eq!(
            crc32fast::hash(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    fn two_events() -> Vec<u8> {
        let mut buf = Vec::new();
        encode_event(
            &mut buf,
            7,
            1_700_000_000_000,
            (true, true),
            Some("user-1"),
            br#"{"a":1}"#,
        );
        encode_event(
            &mut buf,
            8,
            1_700_000_000_001,
            (false, false),
            None,
            br#"{"b":2}"#,
        );
        buf
    }

    fn events(buf: &[u8]) -> (Vec<u64>, usize) {
        let mut seqs = Vec::new();
        let mut damage = 0;
        for found in Frames::new(buf, 0) {
            match found {
                Found::Frame(body, _) => seqs.push(decode_event(body).unwrap().seq),
                Found::Damage(_) => damage += 1,
            }
        }
        (seqs, damage)
    }

    #[test]
    fn events_round_trip() {
        let buf = two_events();
        let mut frames = Frames::new(&buf, 0);
        let Some(Found::Frame(body, _)) = frames.next() else {
            panic!("a frame")
        };
        let record = decode_event(body).unwrap();
        assert_eq!(
            record,
            EventRecord {
                seq: 7,
                created_ms: 1_700_000_000_000,
                has_user_agent: true,
                user_agent_checked: true,
                distinct_id: Some("user-1".into()),
                body: br#"{"a":1}"#.to_vec().into(),
            }
        );
        assert_eq!(events(&buf), (vec![7, 8], 0));
    }

    #[test]
    fn a_torn_tail_is_one_damage_and_the_rest_survives() {
        let buf = two_events();
        let Some(Found::Frame(_, first_len)) = Frames::new(&buf, 0).next() else {
            panic!("a frame")
        };
        for cut in 1..buf.len() {
            let (seqs, damage) = events(&buf[..cut]);
            if cut < first_len {
                assert_eq!((seqs.len(), damage), (0, 1), "cut at {cut}");
            } else if cut == first_len {
                assert_eq!((seqs, damage), (vec![7], 0));
            } else {
                assert_eq!((seqs, damage), (vec![7], 1), "cut at {cut}");
            }
        }
    }

    #[test]
    fn every_flipped_byte_loses_at_most_its_own_frame() {
        let buf = two_events();
        let Some(Found::Frame(_, half)) = Frames::new(&buf, 0).next() else {
            panic!("a frame")
        };
        for at in 0..buf.len() {
            let mut bad = buf.clone();
            bad[at] ^= 0x5A;
            let (seqs, damage) = events(&bad);
            let expected = if at < half { vec![8] } else { vec![7] };
            assert_eq!((seqs, damage), (expected, 1), "flipped byte {at}");
        }
    }

    #[test]
    fn acks_round_trip_and_runs_group_consecutive_seqs() {
        let runs = runs_of(vec![5, 3, 4, 9, 10, 3]);
        assert_eq!(runs, vec![(3, 3), (9, 2)]);
        let mut buf = Vec::new();
        encode_ack(&mut buf, AckKind::Settled, &runs);
        let Some(Found::Frame(body, _)) = Frames::new(&buf, 0).next() else {
            panic!("a frame")
        };
        assert_eq!(decode_ack(body), Some((AckKind::Settled, runs)));
        assert_eq!(decode_ack(&[9]), None);
        assert_eq!(decode_ack(&[1, 0]), None);
        assert_eq!(decode_event(&[1, 2, 3]), None);
    }

    #[test]
    fn garbage_never_panics() {
        let mut x: u32 = 12345;
        for _ in 0..200 {
            let buf: Vec<u8> = (0..300)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    let b = (x >> 16) as u8;
                    if b % 7 == 0 { MAGIC[0] } else { b }
                })
                .collect();
            let (seqs, _) = events(&buf);
            assert!(seqs.is_empty());
        }
    }
}
