//! saphyr's markers count characters of the text it was fed; spans count bytes of the
//! file. This maps one to the other, including past spaces the parser inserted (see
//! [`Pad`]).

/// Spaces fed to saphyr before the character at `at` (an index in the file's characters)
/// that are not in the file: they indent a line of a flow collection that saphyr would
/// otherwise reject (see `build`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Pad {
    pub at: usize,
    pub count: usize,
}

use std::cell::Cell;

/// Every this many characters, the byte offset is remembered.
const STRIDE: usize = 64;

/// Fed character index → byte offset, in (near) constant time and `len / 64` words.
pub(super) struct Offsets<'t> {
    text: &'t str,
    /// `None` for ASCII text, where the two are equal; else the byte offset of every
    /// `STRIDE`-th character.
    checkpoints: Option<Vec<usize>>,
    /// Sorted by `at`, each with the fed index where its spaces start.
    pads: Vec<(Pad, usize)>,
    /// The last character index asked for and its byte offset: saphyr's positions mostly
    /// increase, so the next one is usually found by walking on from here rather than
    /// from a checkpoint up to `STRIDE - 1` characters back.
    cursor: Cell<(usize, usize)>,
}

impl<'t> Offsets<'t> {
    pub(super) fn new(text: &'t str, pads: &[Pad]) -> Self {
        let checkpoints = (!text.is_ascii()).then(|| {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(byte, _)| byte)
                .collect()
        });
        let mut inserted = 0;
        let pads = pads
            .iter()
            .map(|&pad| {
                let fed = pad.at + inserted;
                inserted += pad.count;
                (pad, fed)
            })
            .collect();
        Offsets {
            text,
            checkpoints,
            pads,
            cursor: Cell::new((0, 0)),
        }
    }

    /// The index in the file's characters of the fed character at `fed` (a padding space
    /// maps to the character it precedes).
    pub(super) fn original(&self, fed: usize) -> usize {
        if self.pads.is_empty() {
            return fed;
        }
        let i = self.pads.partition_point(|&(_, start)| start <= fed);
        if i == 0 {
            return fed;
        }
        let (pad, start) = self.pads[i - 1];
        if fed < start + pad.count {
            return pad.at;
        }
        fed - (start + pad.count - pad.at)
    }

    /// The byte offset of the fed character at `fed`; indexes past the end give the length.
    pub(super) fn byte(&self, fed: usize) -> usize {
        let index = self.original(fed);
        let Some(checkpoints) = &self.checkpoints else {
            return index.min(self.text.len());
        };
        let Some(&start) = checkpoints.get(index / STRIDE) else {
            return self.text.len();
        };
        let bytes = self.text.as_bytes();
        let (mut char_at, mut at) = (index - index % STRIDE, start);
        let (cursor_char, cursor_at) = self.cursor.get();
        if char_at < cursor_char && cursor_char <= index {
            (char_at, at) = (cursor_char, cursor_at);
        }
        while char_at < index {
            match bytes.get(at) {
                Some(&b) => at += utf8_len(b),
                None => return self.text.len(),
            }
            char_at += 1;
        }
        self.cursor.set((index, at));
        at.min(self.text.len())
    }
}

/// The file's characters with the pads' spaces inserted.
pub(super) fn padded<'a>(text: &'a str, pads: &'a [Pad]) -> impl Iterator<Item = char> + 'a {
    let mut pads = pads.iter().peekable();
    text.chars().enumerate().flat_map(move |(i, c)| {
        let spaces = match pads.next_if(|p| p.at == i) {
            Some(pad) => pad.count,
            None => 0,
        };
        std::iter::repeat_n(' ', spaces).chain(std::iter::once(c))
    })
}

/// The length of the UTF-8 sequence that starts with `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}
