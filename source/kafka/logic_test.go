package kafka

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/spate-io/spate/engine/batch"
)

func TestOutOfRange(t *testing.T) {
	cases := []struct {
		name                         string
		pos, until, logStart, logEnd int64
		next, lostFrom, lostUntil    int64
	}{
		{"deleted below the range", 10, 80, 50, 100, 50, 10, 50},
		{"whole range deleted", 10, 40, 50, 100, 40, 10, 40},
		{"start exactly at until", 10, 50, 50, 100, 50, 10, 50},
		{"truncated below pos", 90, 120, 0, 80, 120, 90, 120},
		{"in range: a stale replica answered", 30, 80, 0, 100, 30, 30, 30},
		{"at the end is not out of range", 100, 120, 0, 100, 100, 100, 100},
	}
	for _, c := range cases {
		next, lf, lu := outOfRange(c.pos, c.until, c.logStart, c.logEnd)
		if next != c.next || lf != c.lostFrom || lu != c.lostUntil {
			t.Errorf("%s: got next %d lost [%d,%d), want next %d lost [%d,%d)", c.name, next, lf, lu, c.next, c.lostFrom, c.lostUntil)
		}
	}
}

func TestFetchBytes(t *testing.T) {
	cases := []struct {
		remaining int64
		perOffset float64
		want      int32
	}{
		{1000, 0, firstFetchBytes},
		{1, 100, minFetchBytes},
		{1000, 100, 1000*100*5/4 + 1024},
		{1 << 30, 100, maxFetchBytes},
	}
	for _, c := range cases {
		if got := fetchBytes(c.remaining, c.perOffset); got != c.want {
			t.Errorf("fetchBytes(%d, %v) = %d, want %d", c.remaining, c.perOffset, got, c.want)
		}
	}
}

func TestRangeFilter(t *testing.T) {
	recs := func(offs ...int64) []decodedRecord {
		out := make([]decodedRecord, len(offs))
		for i, o := range offs {
			out[i] = decodedRecord{offset: o}
		}
		return out
	}
	f := newRangeFilter(10, 20)
	got := offsetsOfRecords(f.keep(recs(8, 9, 10, 11, 13)))
	if want := []int64{10, 11, 13}; !reflect.DeepEqual(got, want) {
		t.Fatalf("first fetch kept %v, want %v", got, want)
	}
	got = offsetsOfRecords(f.keep(recs(12, 13, 14, 19, 20, 21)))
	if want := []int64{14, 19}; !reflect.DeepEqual(got, want) {
		t.Fatalf("second fetch kept %v, want %v (no repeats, nothing at or past until)", got, want)
	}
	f = newRangeFilter(0, 10)
	got = offsetsOfRecords(f.keep(recs(0, 1, 12, 2, 1, 3)))
	if want := []int64{0, 1, 2, 3}; !reflect.DeepEqual(got, want) {
		t.Fatalf("out of order: kept %v, want %v", got, want)
	}
}

func offsetsOfRecords(recs []decodedRecord) []int64 {
	out := []int64{}
	for _, r := range recs {
		out = append(out, r.offset)
	}
	return out
}

func TestParseStartOffsets(t *testing.T) {
	cases := []struct {
		spec string
		want startSpec
		err  string
	}{
		{"", startSpec{kind: startLatest}, ""},
		{"LATEST", startSpec{kind: startLatest}, ""},
		{" earliest ", startSpec{kind: startEarliest}, ""},
		{`{"t":{"0":23,"1":-2}}`, startSpec{kind: startSpecific, specific: map[string]map[int32]int64{"t": {0: 23, 1: -2}}}, ""},
		{`{}`, startSpec{}, "names no partitions"},
		{`{"t":{"0":"x"}}`, startSpec{}, "is not {\"topic\""},
		{`{"":{"0":1}}`, startSpec{}, "empty topic name"},
		{`{"t":{"-1":1}}`, startSpec{}, `partition "-1" of topic t`},
		{`{"t":{"99999999999":1}}`, startSpec{}, `partition "99999999999"`},
		{`oldest`, startSpec{}, "is not \"earliest\""},
	}
	for _, c := range cases {
		got, err := parseStartOffsets(c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
}

func TestResolveSpecific(t *testing.T) {
	parts := partitionSet{"t": {0: true, 1: true, 2: true}}
	start := batch.Offsets{"t": {0: 5, 1: 0, 2: 0}}
	end := batch.Offsets{"t": {0: 10, 1: 10, 2: 10}}
	got, err := resolveSpecific(map[string]map[int32]int64{"t": {0: -2, 1: -1, 2: 3}}, parts, start, end)
	if want := (batch.Offsets{"t": {0: 5, 1: 10, 2: 3}}); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	// Below the log start is kept: the first batch reports the loss.
	got, err = resolveSpecific(map[string]map[int32]int64{"t": {0: 1, 1: 0, 2: 0}}, parts, start, end)
	if err != nil || got["t"][0] != 1 {
		t.Fatalf("got %v, %v; want t-0 at 1", got, err)
	}
	if _, err := resolveSpecific(map[string]map[int32]int64{"t": {0: 1}}, parts, start, end); err == nil || !strings.Contains(err.Error(), "lacks t-1, t-2") {
		t.Fatalf("err %v, want the missing partitions listed", err)
	}
}

func TestResolveTimestamps(t *testing.T) {
	stamps := map[string]map[int32]int64{"t": {0: 100, 1: 100}}
	end := batch.Offsets{"t": {0: 10, 1: 10}}
	found := batch.Offsets{"t": {0: 4, 1: 10}} // t-1 has nothing at or after 100
	if _, err := resolveTimestamps(stamps, found, end, ""); err == nil || !strings.Contains(err.Error(), "no record of t-1") {
		t.Fatalf("err %v, want t-1 named", err)
	}
	got, err := resolveTimestamps(stamps, found, end, strategyLatest)
	if want := (batch.Offsets{"t": {0: 4, 1: 10}}); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
}

func TestPartitionChanges(t *testing.T) {
	before := batch.Offsets{"a": {0: 10, 1: 20}, "b": {0: 5}}
	now := batch.Offsets{"a": {0: 12, 1: 3}, "c": {0: 1}}
	got := partitionChanges(before, now)
	want := []partitionChange{
		{TopicPartition: batch.TopicPartition{Topic: "a", Partition: 1}, before: 20, now: 3},
		{TopicPartition: batch.TopicPartition{Topic: "b", Partition: 0}, before: 5, now: -1, gone: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if msg := got[1].lossError().Error(); !strings.Contains(msg, "offsets below 5") || !strings.Contains(msg, "was the topic deleted?") {
		t.Fatalf("gone partition message: %s", msg)
	}
	if msg := got[0].lossError().Error(); !strings.Contains(msg, "[3,20)") || !strings.Contains(msg, "went back from 20 to 3") {
		t.Fatalf("backwards partition message: %s", msg)
	}
}

func TestDataLossIsPermanent(t *testing.T) {
	var err error = &DataLossError{Topic: "t", From: 1, Until: 2, Why: "gone"}
	var marked interface{ Permanent() bool }
	if !errors.As(wrapErr(err, "reading"), &marked) || !marked.Permanent() {
		t.Fatal("a data loss error must stay permanent through wrapping, so the engine does not retry it")
	}
}
