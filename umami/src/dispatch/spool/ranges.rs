//! A set of `u64` kept as disjoint runs: the unsettled seqs of a recovered spool are mostly
//! consecutive, so a million of them take a few runs, not a million entries.

use std::collections::BTreeMap;

/// Disjoint half-open runs `start..end`, keyed by `start`.
#[derive(Debug, Default, Clone)]
pub(crate) struct RangeSet {
    runs: BTreeMap<u64, u64>,
    len: u64,
}

impl RangeSet {
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    pub(crate) fn contains(&self, value: u64) -> bool {
        self.runs
            .range(..=value)
            .next_back()
            .is_some_and(|(_, &end)| value < end)
    }

    /// Adds `start..start + count`, merging with neighbours.
    pub(crate) fn insert_run(&mut self, start: u64, count: u64) {
        let mut start = start;
        let mut end = start.saturating_add(count);
        if start >= end {
            return;
        }
        // Absorb every run that overlaps or touches `start..end`.
        if let Some((&s, &e)) = self
            .runs
            .range(..=start)
            .next_back()
            .filter(|&(_, &e)| e >= start)
        {
            start = s;
            end = end.max(e);
            self.runs.remove(&s);
            self.len -= e - s;
        }
        while let Some((&s, &e)) = self.runs.range(start..=end).next() {
            end = end.max(e);
            self.runs.remove(&s);
            self.len -= e - s;
        }
        self.runs.insert(start, end);
        self.len += end - start;
    }

    /// Removes `value`; returns whether it was there.
    pub(crate) fn remove(&mut self, value: u64) -> bool {
        let Some((&s, &e)) = self.runs.range(..=value).next_back() else {
            return false;
        };
        if value >= e {
            return false;
        }
        self.runs.remove(&s);
        if s < value {
            self.runs.insert(s, value);
        }
        if value + 1 < e {
            self.runs.insert(value + 1, e);
        }
        self.len -= 1;
        true
    }

    /// The runs, in order.
    pub(crate) fn runs(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.runs.iter().map(|(&s, &e)| (s, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_split_and_count() {
        let mut set = RangeSet::default();
        set.insert_run(10, 5); // 10..15
        set.insert_run(15, 5); // touches: 10..20
        set.insert_run(30, 2); // 30..32
        set.insert_run(12, 20); // 12..32 bridges both
        assert_eq!(set.runs().collect::<Vec<_>>(), vec![(10, 32)]);
        assert_eq!(set.len(), 22);
        assert!(set.remove(20));
        assert!(!set.remove(20));
        assert!(!set.remove(99));
        assert_eq!(set.runs().collect::<Vec<_>>(), vec![(10, 20), (21, 32)]);
        assert!(set.contains(10) && set.contains(31) && !set.contains(20) && !set.contains(32));
        assert_eq!(set.len(), 21);
    }
}
