//! Reads the input on its own thread and hands it over in blocks through a bounded channel,
//! so that memory stays flat whatever the input's size. A resumed import starts at the
//! committed offset: a file is seeked, standard input is read and dropped up to it; either
//! way the first bytes are checked against the interrupted import's.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// The size of one read.
const BLOCK: usize = 256 * 1024;
/// Blocks in flight between the reader and the importer.
const BLOCKS_IN_FLIGHT: usize = 8;

/// What the reader sends.
#[derive(Debug)]
pub(crate) enum Input {
    /// The next bytes.
    Block(Vec<u8>),
    /// The end of the input.
    End,
    /// The input could not be read.
    Failed(String),
}

/// Where to start, and what the first bytes must be.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Start {
    pub(crate) offset: u64,
    pub(crate) head_len: u64,
    pub(crate) head_crc: u32,
}

/// The input's size, when it is a regular file.
pub(crate) fn size_of(path: &Path) -> Option<u64> {
    if path == Path::new("-") {
        return None;
    }
    std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len())
}

/// Opens the input (checking it can be read before the thread starts) and starts reading.
pub(crate) fn spawn(path: &Path, start: Start) -> Result<Receiver<Input>, String> {
    let reader: Box<dyn Read + Send> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        let mut file =
            File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        check_head_of_file(&mut file, path, start)?;
        if start.offset > 0 {
            file.seek(SeekFrom::Start(start.offset))
                .map_err(|e| format!("cannot seek in {}: {e}", path.display()))?;
        }
        Box::new(file)
    };
    let (sender, receiver) = sync_channel(BLOCKS_IN_FLIGHT);
    let skip = if path == Path::new("-") {
        start
    } else {
        Start { offset: 0, ..start }
    };
    let name = path.to_path_buf();
    std::thread::Builder::new()
        .name("umami-import-reader".to_owned())
        .spawn(move || read_all(reader, &name, skip, &sender))
        .map_err(|e| format!("cannot start the reader thread: {e}"))?;
    Ok(receiver)
}

/// A file's first bytes against the interrupted import's.
fn check_head_of_file(file: &mut File, path: &Path, start: Start) -> Result<(), String> {
    if start.head_len == 0 {
        return Ok(());
    }
    let mut head = vec![0; usize::try_from(start.head_len).unwrap_or(usize::MAX)];
    file.read_exact(&mut head).map_err(|_| {
        format!(
            "{} is shorter than what the interrupted import read: not the same input",
            path.display()
        )
    })?;
    if crc32fast::hash(&head) != start.head_crc {
        return Err(format!(
            "{} does not start as the input of the interrupted import did: not the same input \
             (start over with --restart)",
            path.display()
        ));
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| format!("cannot seek in {}: {e}", path.display()))?;
    Ok(())
}

fn read_all(mut reader: Box<dyn Read + Send>, path: &Path, skip: Start, out: &SyncSender<Input>) {
    // Standard input: drop what the interrupted import committed, checking its head.
    let mut to_skip = skip.offset;
    let mut head = crc32fast::Hasher::new();
    let mut head_left = skip.head_len;
    let mut buf = vec![0; BLOCK];
    while to_skip > 0 {
        let want = usize::try_from(to_skip.min(BLOCK as u64)).unwrap_or(BLOCK);
        match reader.read(&mut buf[..want]) {
            Ok(0) => {
                let _ = out.send(Input::Failed(
                    "the input ended before the offset the interrupted import had reached: \
                     not the same input"
                        .to_owned(),
                ));
                return;
            }
            Ok(n) => {
                let h = usize::try_from(head_left.min(n as u64)).unwrap_or(n);
                head.update(&buf[..h]);
                head_left -= h as u64;
                to_skip -= n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = out.send(Input::Failed(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
                return;
            }
        }
    }
    if skip.offset > 0 && head.finalize() != skip.head_crc {
        let _ = out.send(Input::Failed(
            "standard input does not start as the interrupted import's did: not the same input \
             (start over with --restart)"
                .to_owned(),
        ));
        return;
    }
    loop {
        let mut block = vec![0; BLOCK];
        match reader.read(&mut block) {
            Ok(0) => {
                let _ = out.send(Input::End);
                return;
            }
            Ok(n) => {
                block.truncate(n);
                if out.send(Input::Block(block)).is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = out.send(Input::Failed(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
                return;
            }
        }
    }
}
