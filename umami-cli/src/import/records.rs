//! Cutting the input's blocks into records, with the byte offset after each record and the
//! line it starts on: lines (JSON Lines, access logs) and CSV rows (quoted fields may hold
//! newlines; `csv-core` parses incrementally, so a row may span blocks).

/// One record.
#[derive(Debug)]
pub(crate) enum Record<'a> {
    /// A line, without its `\n` (and `\r`).
    Line(&'a [u8]),
    /// A CSV row's fields.
    Row(Vec<&'a [u8]>),
}

/// Where a record is in the input.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Position {
    /// The line it starts on (1-based).
    pub(crate) line: u64,
    /// The byte offset just after it (where the next one starts).
    pub(crate) end: u64,
    /// The line the next record starts on.
    pub(crate) next_line: u64,
}

/// What the consumer says after a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    /// Stop before the next record (an interruption); the rest of the block is not used.
    Stop,
}

/// Lines, across blocks.
#[derive(Debug)]
pub(crate) struct Lines {
    /// A line's start that the previous block ended in.
    partial: Vec<u8>,
    /// The offset of the next byte fed.
    offset: u64,
    /// The number of the next line.
    line: u64,
}

impl Lines {
    pub(crate) fn new(offset: u64, line: u64) -> Lines {
        Lines {
            partial: Vec::new(),
            offset,
            line: line + 1,
        }
    }

    /// Feeds a block; `each` gets every complete line.
    pub(crate) fn feed(
        &mut self,
        block: &[u8],
        each: &mut dyn FnMut(Record<'_>, Position) -> Flow,
    ) -> Flow {
        let mut rest = block;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            let (head, tail) = rest.split_at(at);
            let end = self.offset + at as u64 + 1;
            let flow = if self.partial.is_empty() {
                each(Record::Line(trim_cr(head)), self.position(end))
            } else {
                let mut line = std::mem::take(&mut self.partial);
                line.extend_from_slice(head);
                let flow = each(Record::Line(trim_cr(&line)), self.position(end));
                line.clear();
                self.partial = line;
                flow
            };
            self.offset = end;
            self.line += 1;
            rest = &tail[1..];
            if flow == Flow::Stop {
                return Flow::Stop;
            }
        }
        self.partial.extend_from_slice(rest);
        self.offset += rest.len() as u64;
        Flow::Continue
    }

    /// The input ended: a last line without `\n`.
    pub(crate) fn finish(&mut self, each: &mut dyn FnMut(Record<'_>, Position) -> Flow) {
        if self.partial.is_empty() {
            return;
        }
        let line = std::mem::take(&mut self.partial);
        let end = self.offset;
        each(Record::Line(trim_cr(&line)), self.position(end));
    }

    fn position(&self, end: u64) -> Position {
        Position {
            line: self.line,
            end,
            next_line: self.line + 1,
        }
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// CSV rows, across blocks.
#[derive(Debug)]
pub(crate) struct Rows {
    reader: csv_core::Reader,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    ends_len: usize,
    offset: u64,
    /// The line the row being read starts on.
    row_line: u64,
    /// Lines (`\n`) consumed so far, counted from the start offset.
    lines_base: u64,
}

impl Rows {
    pub(crate) fn new(offset: u64, line: u64) -> Rows {
        Rows {
            reader: csv_core::ReaderBuilder::new().build(),
            out: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 64],
            ends_len: 0,
            offset,
            row_line: line + 1,
            lines_base: line,
        }
    }

    pub(crate) fn feed(
        &mut self,
        block: &[u8],
        each: &mut dyn FnMut(Record<'_>, Position) -> Flow,
    ) -> Flow {
        self.run(block, each)
    }

    pub(crate) fn finish(&mut self, each: &mut dyn FnMut(Record<'_>, Position) -> Flow) {
        self.run(&[], each);
    }

    fn run(
        &mut self,
        mut input: &[u8],
        each: &mut dyn FnMut(Record<'_>, Position) -> Flow,
    ) -> Flow {
        loop {
            let (result, nin, nout, nend) = self.reader.read_record(
                input,
                &mut self.out[self.out_len..],
                &mut self.ends[self.ends_len..],
            );
            input = &input[nin..];
            self.offset += nin as u64;
            self.out_len += nout;
            self.ends_len += nend;
            match result {
                csv_core::ReadRecordResult::InputEmpty => return Flow::Continue,
                csv_core::ReadRecordResult::OutputFull => {
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    let position = Position {
                        line: self.row_line,
                        end: self.offset,
                        next_line: self.lines_base + self.reader.line(),
                    };
                    let mut fields = Vec::with_capacity(self.ends_len);
                    let mut start = 0;
                    for &end in &self.ends[..self.ends_len] {
                        fields.push(&self.out[start..end]);
                        start = end;
                    }
                    let blank = fields.len() == 1 && fields[0].is_empty();
                    let flow = if blank {
                        Flow::Continue
                    } else {
                        each(Record::Row(fields), position)
                    };
                    self.out_len = 0;
                    self.ends_len = 0;
                    self.row_line = self.lines_base + self.reader.line();
                    if flow == Flow::Stop {
                        return Flow::Stop;
                    }
                }
                csv_core::ReadRecordResult::End => return Flow::Continue,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(blocks: &[&[u8]]) -> Vec<(String, u64, u64)> {
        let mut lines = Lines::new(0, 0);
        let mut out = Vec::new();
        let mut each = |r: Record<'_>, p: Position| {
            if let Record::Line(l) = r {
                out.push((String::from_utf8_lossy(l).into_owned(), p.line, p.end));
            }
            Flow::Continue
        };
        for block in blocks {
            lines.feed(block, &mut each);
        }
        lines.finish(&mut each);
        out
    }

    #[test]
    fn lines_cross_blocks_and_keep_their_offsets() {
        assert_eq!(
            lines_of(&[b"ab\nc", b"d\r\n", b"\ne"]),
            vec![
                ("ab".to_owned(), 1, 3),
                ("cd".to_owned(), 2, 7),
                (String::new(), 3, 8),
                ("e".to_owned(), 4, 9),
            ]
        );
    }

    #[test]
    fn csv_rows_with_quoted_newlines_cross_blocks() {
        let mut rows = Rows::new(0, 0);
        let mut out = Vec::new();
        let mut each = |r: Record<'_>, p: Position| {
            if let Record::Row(fields) = r {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                out.push((fields, p.line, p.end));
            }
            Flow::Continue
        };
        rows.feed(b"name,url\nSig", &mut each);
        rows.feed(b"nup,\"/a\nb\"\nX,/c", &mut each);
        rows.finish(&mut each);
        assert_eq!(
            out,
            vec![
                (vec!["name".to_owned(), "url".to_owned()], 1, 9),
                (vec!["Signup".to_owned(), "/a\nb".to_owned()], 2, 23),
                (vec!["X".to_owned(), "/c".to_owned()], 4, 27),
            ]
        );
    }
}
