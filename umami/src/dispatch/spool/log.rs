//! The segment log on disk: `<first seq>.seg` files of event records, each with a
//! `<first seq>.ack` file of settlements, appended to; opened by a recovery scan.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::format::{self, AckKind, EventRecord, Found, Frames};
use super::ranges::RangeSet;
use super::{SpoolConfig, SpoolError};

const SEG: &str = "seg";
const ACK: &str = "ack";

/// One segment: its files and how many of its events are still unsettled.
#[derive(Debug)]
struct Segment {
    /// Unsettled events in it.
    unsettled: u64,
    /// Highest seq written to it.
    last_seq: u64,
    seg_len: u64,
    ack: Option<Arc<File>>,
    ack_len: u64,
}

/// Where a record is: `(segment key, byte offset)`.
pub(crate) type Position = (u64, u64);

/// What opening found, for the stats and the queue.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Recovered {
    pub(crate) events: u64,
    pub(crate) possible_duplicates: u64,
    pub(crate) corrupt: u64,
    pub(crate) first_seq: u64,
}

/// Why an append did not happen.
#[derive(Debug)]
pub(crate) enum AppendError {
    /// At `max_bytes`.
    Full,
    Io(SpoolError),
}

/// The log, always used under the spool's lock.
#[derive(Debug)]
pub(crate) struct Log {
    dir: PathBuf,
    segment_bytes: u64,
    max_bytes: u64,
    segments: BTreeMap<u64, Segment>,
    active: u64,
    active_file: Arc<File>,
    /// Bytes of every live file.
    bytes: u64,
    /// Unsettled events in the log.
    pub(crate) pending: u64,
    /// Seqs below this were written by an earlier process.
    pub(crate) run_start: u64,
    /// Unsettled seqs of earlier processes.
    recovered_unsettled: RangeSet,
    /// Of them, those an earlier process's request may have stored (possible duplicates).
    recovered_attempted: RangeSet,
    /// Where the next event to read back from disk is; `None` while nothing waits on disk.
    pub(crate) read_cursor: Option<Position>,
    /// Files written since the last sync (for the group commit), and whether the directory
    /// changed (a segment created or deleted).
    pub(crate) dirty: Vec<Arc<File>>,
    pub(crate) dir_dirty: bool,
    /// Whether to collect `dirty` (only the group commit uses it).
    pub(crate) track_dirty: bool,
    /// Events appended (a counter the group commit compares with what it synced).
    pub(crate) appended: u64,
    pub(crate) corrupt: u64,
    buf: Vec<u8>,
}

fn name(dir: &Path, key: u64, ext: &str) -> PathBuf {
    dir.join(format!("{key:020}.{ext}"))
}

/// Reads a whole file; a missing file reads as empty.
fn read_all(path: &Path) -> Result<Vec<u8>, SpoolError> {
    match fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(SpoolError::io("reading", path, e)),
    }
}

fn remove(path: &Path) {
    if let Err(e) = fs::remove_file(path).or_else(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Ok(()),
        _ => Err(e),
    }) {
        tracing::warn!(path = %path.display(), error = %e, "umami spool: could not delete a settled file");
    }
}

impl Log {
    /// Opens the log in `config.dir` (already locked): scans every segment, keeps the
    /// unsettled events' seqs, deletes settled segments, and starts a new active segment.
    pub(crate) fn open(config: &SpoolConfig) -> Result<(Log, Recovered), SpoolError> {
        let dir = config.dir.clone();
        let mut segs = Vec::new();
        let mut acks = Vec::new();
        let entries = fs::read_dir(&dir).map_err(|e| SpoolError::io("listing", &dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| SpoolError::io("listing", &dir, e))?;
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                continue;
            };
            let Some((stem, ext)) = file_name.split_once('.') else {
                continue;
            };
            let Ok(key) = stem.parse::<u64>() else {
                continue;
            };
            match ext {
                SEG => segs.push(key),
                ACK => acks.push(key),
                _ => {}
            }
        }
        segs.sort_unstable();
        // An ack file without its segment is left from a deletion cut short.
        for key in &acks {
            if segs.binary_search(key).is_err() {
                remove(&name(&dir, *key, ACK));
            }
        }
        let mut recovered = Recovered::default();
        let mut unsettled_all = RangeSet::default();
        let mut attempted_all = RangeSet::default();
        let mut segments = BTreeMap::new();
        let mut bytes = 0;
        let mut next_seq = 0_u64;
        for &key in &segs {
            let seg_path = name(&dir, key, SEG);
            let ack_path = name(&dir, key, ACK);
            let data = read_all(&seg_path)?;
            let mut seqs = Vec::new();
            for found in Frames::new(&data, 0) {
                match found {
                    Found::Frame(body, _) => match format::decode_event(body) {
                        Some(record) => seqs.push(record.seq),
                        None => recovered.corrupt += 1,
                    },
                    Found::Damage(_) => recovered.corrupt += 1,
                }
            }
            let ack_data = read_all(&ack_path)?;
            let mut settled = RangeSet::default();
            let mut attempted = RangeSet::default();
            // In the order written: a `NotStored` mark takes back the `Attempted` before it.
            for found in Frames::new(&ack_data, 0) {
                match found {
                    Found::Frame(body, _) => match format::decode_ack(body) {
                        Some((kind, runs)) => {
                            for (start, count) in runs {
                                let count = u64::from(count);
                                match kind {
                                    AckKind::Settled => settled.insert_run(start, count),
                                    AckKind::Attempted => attempted.insert_run(start, count),
                                    AckKind::NotStored => {
                                        for seq in start..start.saturating_add(count) {
                                            attempted.remove(seq);
                                        }
                                    }
                                }
                            }
                        }
                        None => recovered.corrupt += 1,
                    },
                    Found::Damage(_) => recovered.corrupt += 1,
                }
            }
            seqs.sort_unstable();
            seqs.dedup();
            let mut unsettled = 0;
            let mut last_seq = key;
            for &seq in &seqs {
                next_seq = next_seq.max(seq + 1);
                last_seq = last_seq.max(seq);
                if !settled.contains(seq) {
                    unsettled += 1;
                    unsettled_all.insert_run(seq, 1);
                    if attempted.contains(seq) {
                        recovered.possible_duplicates += 1;
                        attempted_all.insert_run(seq, 1);
                    }
                }
            }
            next_seq = next_seq.max(key);
            if unsettled == 0 {
                remove(&seg_path);
                remove(&ack_path);
                continue;
            }
            let seg_len = data.len() as u64;
            let ack_len = ack_data.len() as u64;
            bytes += seg_len + ack_len;
            segments.insert(
                key,
                Segment {
                    unsettled,
                    last_seq,
                    seg_len,
                    ack: None,
                    ack_len,
                },
            );
        }
        recovered.events = unsettled_all.len();
        recovered.first_seq = unsettled_all.runs().next().map_or(next_seq, |(s, _)| s);
        let (active_file, active) = Self::create_segment(&dir, next_seq, &mut segments)?;
        let read_cursor = segments
            .keys()
            .next()
            .filter(|_| recovered.events > 0)
            .map(|&k| (k, 0));
        let log = Log {
            dir,
            segment_bytes: config.segment_bytes,
            max_bytes: config.max_bytes,
            segments,
            active,
            active_file,
            bytes,
            pending: recovered.events,
            run_start: next_seq,
            recovered_unsettled: unsettled_all,
            recovered_attempted: attempted_all,
            read_cursor,
            dirty: Vec::new(),
            dir_dirty: true,
            track_dirty: false,
            appended: 0,
            corrupt: recovered.corrupt,
            buf: Vec::with_capacity(4096),
        };
        Ok((log, recovered))
    }

    fn create_segment(
        dir: &Path,
        key: u64,
        segments: &mut BTreeMap<u64, Segment>,
    ) -> Result<(Arc<File>, u64), SpoolError> {
        let path = name(dir, key, SEG);
        // A segment of this name can only be an empty leftover (every seq in it would be
        // below `key`): start it afresh.
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| SpoolError::io("creating a segment", &path, e))?;
        segments.insert(
            key,
            Segment {
                unsettled: 0,
                last_seq: key,
                seg_len: 0,
                ack: None,
                ack_len: 0,
            },
        );
        Ok((Arc::new(file), key))
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Writes one event record (to the OS; `write(2)`), rolling to a new segment first when
    /// the active one is full. Returns where the record is.
    pub(crate) fn append(
        &mut self,
        seq: u64,
        created_ms: u64,
        user_agent: (bool, bool),
        distinct_id: Option<&str>,
        body: &[u8],
    ) -> Result<Position, AppendError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        format::encode_event(&mut buf, seq, created_ms, user_agent, distinct_id, body);
        let result = self.append_frame(seq, &buf);
        self.buf = buf;
        result
    }

    fn append_frame(&mut self, seq: u64, frame: &[u8]) -> Result<Position, AppendError> {
        let len = frame.len() as u64;
        if self.bytes + len > self.max_bytes {
            return Err(AppendError::Full);
        }
        let active_len = self.segments.get(&self.active).map_or(0, |s| s.seg_len);
        if active_len > 0 && active_len + len > self.segment_bytes {
            self.roll(seq).map_err(AppendError::Io)?;
        }
        let key = self.active;
        let path_for_error = || name(&self.dir, key, SEG);
        (&*self.active_file)
            .write_all(frame)
            .map_err(|e| AppendError::Io(SpoolError::io("writing", &path_for_error(), e)))?;
        let seg = self
            .segments
            .get_mut(&key)
            .ok_or_else(|| AppendError::Io(missing(&path_for_error())))?;
        let offset = seg.seg_len;
        seg.seg_len += len;
        seg.unsettled += 1;
        seg.last_seq = seg.last_seq.max(seq);
        self.bytes += len;
        self.pending += 1;
        self.appended += 1;
        Ok((key, offset))
    }

    /// Closes the active segment and starts one named `seq`.
    fn roll(&mut self, seq: u64) -> Result<(), SpoolError> {
        let old = self.active;
        let (file, key) = Self::create_segment(&self.dir, seq, &mut self.segments)?;
        let old_file = std::mem::replace(&mut self.active_file, file);
        if self.track_dirty {
            self.dirty.push(old_file);
        }
        self.dir_dirty = true;
        self.active = key;
        self.delete_if_settled(old);
        Ok(())
    }

    fn delete_if_settled(&mut self, key: u64) {
        if key == self.active {
            return;
        }
        let Some(seg) = self.segments.get(&key) else {
            return;
        };
        if seg.unsettled > 0 {
            return;
        }
        if self.read_cursor.is_some_and(|(k, _)| k == key) {
            // The reader still has to pass it (only damage can be left in it).
            return;
        }
        let seg = self.segments.remove(&key);
        if let Some(seg) = seg {
            self.bytes = self.bytes.saturating_sub(seg.seg_len + seg.ack_len);
        }
        remove(&name(&self.dir, key, SEG));
        remove(&name(&self.dir, key, ACK));
        self.dir_dirty = true;
    }

    /// The segment holding `seq` (none when its segment is gone: settled and deleted).
    fn segment_of(&self, seq: u64) -> Option<u64> {
        self.segments
            .range(..=seq)
            .next_back()
            .filter(|&(&k, seg)| seq <= seg.last_seq || k == self.active)
            .map(|(&k, _)| k)
    }

    /// Writes an ack frame of `kind` for `seqs` into their segments' ack files. `Settled`
    /// also updates the counts and deletes segments with nothing left.
    pub(crate) fn mark(&mut self, kind: AckKind, seqs: Vec<u64>) -> Result<(), SpoolError> {
        if seqs.is_empty() {
            return Ok(());
        }
        let mut by_segment: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        for seq in seqs {
            if kind == AckKind::Settled && seq < self.run_start {
                // From an earlier process: settle it once only.
                if !self.recovered_unsettled.remove(seq) {
                    continue;
                }
                self.recovered_attempted.remove(seq);
            }
            if let Some(key) = self.segment_of(seq) {
                by_segment.entry(key).or_default().push(seq);
            }
        }
        let mut first_error = None;
        let mut frame = Vec::new();
        for (key, seqs) in by_segment {
            let n = seqs.len() as u64;
            frame.clear();
            format::encode_ack(&mut frame, kind, &format::runs_of(seqs));
            if let Err(e) = self.write_ack(key, &frame) {
                first_error.get_or_insert(e);
            }
            if kind == AckKind::Settled {
                if let Some(seg) = self.segments.get_mut(&key) {
                    let n = n.min(seg.unsettled);
                    seg.unsettled -= n;
                    self.pending = self.pending.saturating_sub(n);
                }
                self.delete_if_settled(key);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn write_ack(&mut self, key: u64, frame: &[u8]) -> Result<(), SpoolError> {
        let path = name(&self.dir, key, ACK);
        let Some(seg) = self.segments.get_mut(&key) else {
            return Err(missing(&path));
        };
        if seg.ack.is_none() {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| SpoolError::io("opening an ack file", &path, e))?;
            seg.ack = Some(Arc::new(file));
            self.dir_dirty = true;
        }
        let Some(file) = &seg.ack else {
            return Err(missing(&path));
        };
        (&**file)
            .write_all(frame)
            .map_err(|e| SpoolError::io("writing", &path, e))?;
        seg.ack_len += frame.len() as u64;
        self.bytes += frame.len() as u64;
        if self.track_dirty {
            let file = file.clone();
            self.dirty.push(file);
        }
        Ok(())
    }

    /// The active segment's file, for the group commit.
    pub(crate) fn active_file(&self) -> Arc<File> {
        self.active_file.clone()
    }

    /// Whether a request of an earlier process may have stored this seq already.
    pub(crate) fn may_have_been_stored(&self, seq: u64) -> bool {
        seq < self.run_start && self.recovered_attempted.contains(seq)
    }

    /// Whether a seq read back from disk is still to be sent (settled ones of an earlier
    /// process are skipped).
    pub(crate) fn wanted(&self, seq: u64) -> bool {
        seq >= self.run_start || self.recovered_unsettled.contains(seq)
    }

    /// The segment after `key`, and whether `key` is the active one.
    pub(crate) fn next_segment(&self, key: u64) -> Option<u64> {
        self.segments
            .range(key.saturating_add(1)..)
            .next()
            .map(|(&k, _)| k)
    }

    pub(crate) fn is_active(&self, key: u64) -> bool {
        key == self.active
    }

    /// The length written to segment `key`.
    pub(crate) fn segment_len(&self, key: u64) -> u64 {
        self.segments.get(&key).map_or(0, |s| s.seg_len)
    }

    pub(crate) fn segment_path(&self, key: u64) -> PathBuf {
        name(&self.dir, key, SEG)
    }

    /// The reader left segment `key` behind: delete it if nothing in it is left.
    pub(crate) fn passed(&mut self, key: u64) {
        self.delete_if_settled(key);
    }
}

fn missing(path: &Path) -> SpoolError {
    SpoolError::io(
        "finding a segment",
        path,
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the segment is not in the spool's index",
        ),
    )
}

/// Reads up to `want` frames from segment file `path`, from `offset` to at most `limit`
/// bytes: the event records (those `keep` accepts), the damage count, and the offset after
/// the last frame consumed. Reads in chunks, so memory stays bounded by the chunk and the
/// records returned.
pub(crate) fn read_events(
    path: &Path,
    offset: u64,
    limit: u64,
    want: usize,
    mut keep: impl FnMut(u64) -> bool,
) -> Result<(Vec<EventRecord>, u64, u64), SpoolError> {
    let mut file = File::open(path).map_err(|e| SpoolError::io("opening a segment", path, e))?;
    let mut records = Vec::new();
    let mut damage = 0;
    let mut pos = offset;
    let mut chunk_len: u64 = 1024 * 1024;
    let mut buf = Vec::new();
    while records.len() < want && pos < limit {
        let len = chunk_len.min(limit - pos);
        file.seek(SeekFrom::Start(pos))
            .map_err(|e| SpoolError::io("reading a segment", path, e))?;
        buf.clear();
        (&mut file)
            .take(len)
            .read_to_end(&mut buf)
            .map_err(|e| SpoolError::io("reading a segment", path, e))?;
        if buf.is_empty() {
            break;
        }
        let at_end = pos + buf.len() as u64 >= limit;
        let mut consumed = 0_usize;
        for found in Frames::new(&buf, 0) {
            match found {
                Found::Frame(body, end) => {
                    consumed = end;
                    match format::decode_event(body) {
                        Some(record) if keep(record.seq) => {
                            records.push(record);
                            if records.len() >= want {
                                break;
                            }
                        }
                        Some(_) => {}
                        None => damage += 1,
                    }
                }
                Found::Damage(end) => {
                    if !at_end && end >= buf.len() {
                        // Maybe only a frame cut by the chunk: read on from `consumed`.
                        break;
                    }
                    consumed = end;
                    damage += 1;
                }
            }
        }
        if consumed == 0 {
            if at_end {
                // Nothing readable up to the limit.
                damage += 1;
                pos = limit;
                break;
            }
            chunk_len = chunk_len.saturating_mul(2);
            continue;
        }
        pos += consumed as u64;
    }
    Ok((records, damage, pos))
}
