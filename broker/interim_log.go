package broker

// This file is the broker's interim partition store, used until
// broker/log's partition API is available: one append-only file of record
// batches per partition, exactly as produced with the base offset
// assigned, an in-memory batch table rebuilt at open by a scan that
// validates every batch (length, magic, CRC32C) and truncates a torn tail,
// and idempotent-producer dedupe rebuilt by the same scan. It has no
// segments, indexes or retention; broker/log replaces it behind logStore.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
)

const batchHeaderLen = 61 // a v2 record batch header, up to the record count

type fileStore struct {
	dir  string
	mu   sync.Mutex
	logs map[string]*fileLog
}

func openLogStore(dir string, _ Config) (logStore, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("broker: creating log folder: %w", err)
	}
	return &fileStore{dir: dir, logs: map[string]*fileLog{}}, nil
}

func partDir(topic string, partition int32) string {
	return topic + "-" + strconv.Itoa(int(partition))
}

func (s *fileStore) Open(topic string, partition int32, configs map[string]string) (partitionLog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := partDir(topic, partition)
	if l := s.logs[name]; l != nil {
		return l, nil
	}
	l, err := openFileLog(filepath.Join(s.dir, name), configs)
	if err != nil {
		return nil, err
	}
	s.logs[name] = l
	return l, nil
}

func (s *fileStore) Delete(topic string, partition int32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := partDir(topic, partition)
	if l := s.logs[name]; l != nil {
		l.close()
		delete(s.logs, name)
	}
	return os.RemoveAll(filepath.Join(s.dir, name))
}

func (s *fileStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for name, l := range s.logs {
		errs = append(errs, l.close())
		delete(s.logs, name)
	}
	return errors.Join(errs...)
}

// batchEntry locates one stored batch.
type batchEntry struct {
	base, last int64
	pos        int64
	size       int32
	maxTs      int64
}

// seqEntry is one recent batch of an idempotent producer.
type seqEntry struct {
	firstSeq, lastSeq int32
	base, last        int64
}

type producerSeqs struct {
	epoch  int16
	recent []seqEntry // the last 5, oldest first
}

type fileLog struct {
	mu            sync.RWMutex
	f             *os.File
	size          int64
	batches       []batchEntry
	end           int64
	producers     map[int64]*producerSeqs
	logAppendTime bool
	maxBatch      int
	closed        bool
}

func openFileLog(dir string, configs map[string]string) (*fileLog, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("broker: creating %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "00000000000000000000.log"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("broker: opening partition log: %w", err)
	}
	l := &fileLog{f: f, producers: map[int64]*producerSeqs{}, maxBatch: defaultMaxMessageBytes}
	l.logAppendTime = configs["message.timestamp.type"] == "LogAppendTime"
	if v, err := strconv.Atoi(configs["max.message.bytes"]); err == nil && v > 0 {
		l.maxBatch = v
	}
	if err := l.recover(); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// recover scans the file, keeps every whole valid batch and truncates the
// first invalid one and everything after it (a torn write at a crash).
func (l *fileLog) recover() error {
	st, err := l.f.Stat()
	if err != nil {
		return fmt.Errorf("broker: recovering partition log: %w", err)
	}
	var pos int64
	hdr := make([]byte, batchHeaderLen)
	buf := []byte(nil)
	for pos+batchHeaderLen <= st.Size() {
		if _, err := l.f.ReadAt(hdr, pos); err != nil {
			break
		}
		n := int64(int32(binary.BigEndian.Uint32(hdr[8:]))) + 12
		if n < batchHeaderLen || pos+n > st.Size() {
			break
		}
		if cap(buf) < int(n) {
			buf = make([]byte, n)
		}
		b := buf[:n]
		if _, err := l.f.ReadAt(b, pos); err != nil || checkStoredBatch(b) != nil {
			break
		}
		l.track(b, pos)
		pos += n
	}
	if pos < st.Size() {
		if err := l.f.Truncate(pos); err != nil {
			return fmt.Errorf("broker: truncating torn tail of partition log: %w", err)
		}
	}
	l.size = pos
	return nil
}

// checkStoredBatch validates a whole batch: length, magic and CRC32C.
func checkStoredBatch(b []byte) error {
	if len(b) < batchHeaderLen || int(int32(binary.BigEndian.Uint32(b[8:])))+12 != len(b) {
		return kerr.CorruptMessage
	}
	if b[16] != 2 {
		return kerr.UnsupportedForMessageFormat
	}
	if binary.BigEndian.Uint32(b[17:]) != crc32.Checksum(b[21:], castagnoli) {
		return kerr.CorruptMessage
	}
	return nil
}

// track records a stored batch at pos in the batch table and producer state.
func (l *fileLog) track(b []byte, pos int64) {
	base := int64(binary.BigEndian.Uint64(b))
	last := base + int64(int32(binary.BigEndian.Uint32(b[23:])))
	maxTs := int64(binary.BigEndian.Uint64(b[35:]))
	l.batches = append(l.batches, batchEntry{base: base, last: last, pos: pos, size: int32(len(b)), maxTs: maxTs})
	l.end = last + 1
	if pid, epoch, first, lastSeq, ok := producerFields(b); ok {
		l.noteProducer(pid, epoch, seqEntry{firstSeq: first, lastSeq: lastSeq, base: base, last: last})
	}
}

func producerFields(b []byte) (pid int64, epoch int16, first, last int32, ok bool) {
	pid = int64(binary.BigEndian.Uint64(b[43:]))
	epoch = int16(binary.BigEndian.Uint16(b[51:]))
	first = int32(binary.BigEndian.Uint32(b[53:]))
	if pid < 0 || first < 0 {
		return 0, 0, 0, 0, false
	}
	delta := int32(binary.BigEndian.Uint32(b[23:]))
	s := int64(first) + int64(delta)
	if s > 1<<31-1 { // sequences wrap from MaxInt32 to 0, as in Kafka
		s -= 1 << 31
	}
	return pid, epoch, first, int32(s), true
}

func (l *fileLog) noteProducer(pid int64, epoch int16, e seqEntry) {
	ps := l.producers[pid]
	if ps == nil || ps.epoch != epoch {
		ps = &producerSeqs{epoch: epoch}
		l.producers[pid] = ps
	}
	ps.recent = append(ps.recent, e)
	if len(ps.recent) > 5 {
		ps.recent = ps.recent[1:]
	}
}

// checkSequence returns the original entry of a duplicate batch, or an
// error for a stale epoch or a gap.
func (l *fileLog) checkSequence(pid int64, epoch int16, first, last int32) (*seqEntry, error) {
	ps := l.producers[pid]
	if ps == nil {
		return nil, nil
	}
	switch {
	case epoch < ps.epoch:
		return nil, fmt.Errorf("%w: producer %d epoch %d is older than %d", kerr.InvalidProducerEpoch, pid, epoch, ps.epoch)
	case epoch > ps.epoch:
		if first != 0 {
			return nil, fmt.Errorf("%w: producer %d new epoch %d must start at sequence 0, not %d", kerr.OutOfOrderSequenceNumber, pid, epoch, first)
		}
		return nil, nil
	}
	for i := range ps.recent {
		if ps.recent[i].firstSeq == first && ps.recent[i].lastSeq == last {
			return &ps.recent[i], nil
		}
	}
	prev := ps.recent[len(ps.recent)-1].lastSeq
	want := prev + 1
	if prev == 1<<31-1 {
		want = 0
	}
	if first != want {
		return nil, fmt.Errorf("%w: producer %d sent sequence %d, expected %d", kerr.OutOfOrderSequenceNumber, pid, first, want)
	}
	return nil, nil
}

func (l *fileLog) Append(records []byte, now time.Time) (appendResult, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return appendResult{}, kerr.NotLeaderForPartition
	}
	// Validate every batch before storing any.
	var spans [][2]int
	for pos := 0; pos < len(records); {
		if len(records)-pos < batchHeaderLen {
			return appendResult{}, fmt.Errorf("%w: %d trailing bytes are not a record batch", kerr.CorruptMessage, len(records)-pos)
		}
		n := int(int32(binary.BigEndian.Uint32(records[pos+8:]))) + 12
		if n < batchHeaderLen || pos+n > len(records) {
			return appendResult{}, fmt.Errorf("%w: batch length %d does not fit the %d bytes sent", kerr.CorruptMessage, n, len(records)-pos)
		}
		if n > l.maxBatch {
			return appendResult{}, fmt.Errorf("%w: batch of %d bytes is above max.message.bytes %d", kerr.MessageTooLarge, n, l.maxBatch)
		}
		if err := checkStoredBatch(records[pos : pos+n]); err != nil {
			return appendResult{}, fmt.Errorf("%w: batch at byte %d failed its length, magic or CRC check", err, pos)
		}
		spans = append(spans, [2]int{pos, pos + n})
		pos += n
	}
	if len(spans) == 1 {
		if pid, epoch, first, last, ok := producerFields(records); ok {
			dup, err := l.checkSequence(pid, epoch, first, last)
			if err != nil {
				return appendResult{}, err
			}
			if dup != nil {
				return appendResult{BaseOffset: dup.base, LastOffset: dup.last, LogAppendTime: -1}, nil
			}
		}
	}
	res := appendResult{BaseOffset: l.end, LogAppendTime: -1}
	next := l.end
	for _, s := range spans {
		b := records[s[0]:s[1]]
		binary.BigEndian.PutUint64(b, uint64(next))
		if l.logAppendTime {
			ts := now.UnixMilli()
			res.LogAppendTime = ts
			binary.BigEndian.PutUint16(b[21:], binary.BigEndian.Uint16(b[21:])|0x08)
			binary.BigEndian.PutUint64(b[35:], uint64(ts))
			binary.BigEndian.PutUint32(b[17:], crc32.Checksum(b[21:], castagnoli))
		}
		next += int64(int32(binary.BigEndian.Uint32(b[23:]))) + 1
	}
	if _, err := l.f.WriteAt(records, l.size); err != nil {
		// Cut off whatever part was written so the file stays whole.
		l.f.Truncate(l.size)
		return appendResult{}, fmt.Errorf("%w: writing partition log: %v", kerr.KafkaStorageError, err)
	}
	pos := l.size
	for _, s := range spans {
		l.track(records[s[0]:s[1]], pos)
		pos += int64(s[1] - s[0])
	}
	l.size = pos
	res.LastOffset = l.end - 1
	return res, nil
}

func (l *fileLog) Read(offset int64, maxBytes int32) ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if offset < 0 || offset > l.end {
		return nil, errOffsetOutOfRange
	}
	i := sort.Search(len(l.batches), func(i int) bool { return l.batches[i].last >= offset })
	if i == len(l.batches) {
		return nil, nil
	}
	start := l.batches[i].pos
	n := int64(l.batches[i].size)
	for j := i + 1; j < len(l.batches) && n+int64(l.batches[j].size) <= int64(maxBytes); j++ {
		n += int64(l.batches[j].size)
	}
	buf := make([]byte, n)
	if _, err := l.f.ReadAt(buf, start); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: reading partition log: %v", kerr.KafkaStorageError, err)
	}
	return buf, nil
}

func (l *fileLog) StartOffset() int64 { return 0 }

func (l *fileLog) EndOffset() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.end
}

// OffsetForTimestamp answers at batch granularity: the base offset of the
// first batch whose max timestamp is at least ts.
func (l *fileLog) OffsetForTimestamp(ts int64) (int64, int64, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, b := range l.batches {
		if b.maxTs >= ts {
			return b.base, b.maxTs, nil
		}
	}
	return -1, -1, nil
}

func (l *fileLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	err := l.f.Sync()
	return errors.Join(err, l.f.Close())
}
