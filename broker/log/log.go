package log

import (
	"fmt"
	"log/slog"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Log is one partition's durable log: a folder of segments. It is safe for
// concurrent use: writers (appends, truncation, retention, flushes) are
// serialised; any number of readers run alongside them.
type Log struct {
	dir    string
	clock  func() time.Time
	logger *slog.Logger

	// appendMu serialises every writer. Lock order: appendMu, flushMu, mu.
	appendMu  sync.Mutex
	cfg       Config         // guarded by appendMu
	producers producerStates // guarded by appendMu
	unflushed int64          // records appended since the last fsync
	lastFlush time.Time
	scratch   []appendBatch    // per-append batch metadata, reused
	staged    []stagedProducer // per-append producer updates, reused
	hdrBuf    [batchHeaderSize]byte

	// mu guards what readers look at.
	mu             sync.RWMutex
	segs           []*segment // oldest first; the last is active
	logStart       int64
	retentionLimit int64 // retention keeps data at or above it
	epochs         epochCache
	closed         bool
	leo            atomic.Int64 // written under mu
	interval       atomic.Int64 // index.interval.bytes, for lazy index rebuilds

	// flushMu serialises background flushes of sealed segments with the
	// writers that delete or reopen segments.
	flushMu sync.Mutex
	flushWG sync.WaitGroup

	waitMu     sync.Mutex
	waitCh     chan struct{}
	waitClosed bool

	// cleanMu serialises compaction rounds. A round holds it throughout and
	// takes appendMu only to plan and to swap segments in, so appends go on
	// while it reads and writes. Lock order: cleanMu, appendMu.
	cleanMu    sync.Mutex
	cleaner    cleanerState // guarded by appendMu: Truncate lowers it
	cleanerErr error        // a swap that failed half-way stops compaction; guarded by cleanMu
	mapKeys    int          // keys a compaction round maps at most
	// rewrites counts Truncate and Reset calls, which change sealed
	// segments in place: a round that saw another count aborts. Guarded by
	// appendMu.
	rewrites int64
	closing  atomic.Bool // set when Close starts, so a round stops early
}

// Option configures Open beyond the topic configuration.
type Option func(*options)

type options struct {
	clock   func() time.Time
	logger  *slog.Logger
	mapKeys int
}

// WithClock sets the clock used for LogAppendTime, segment.ms, retention.ms
// and flush.ms. The default is time.Now; tests inject a fake one.
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// WithLogger sets where recovery and retention report what they did. The
// default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithCompactionMapKeys sets how many distinct keys one compaction round
// maps at most (Kafka's log.cleaner.dedupe.buffer.size / 24): a longer
// dirty part takes several rounds. The default is DefaultCompactionMapKeys.
func WithCompactionMapKeys(n int) Option {
	return func(o *options) { o.mapKeys = n }
}

// Dir is the partition's folder.
func (l *Log) Dir() string { return l.dir }

// Config returns the configuration with defaults filled in.
func (l *Log) Config() Config {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	return l.cfg
}

// SetConfig changes the configuration (IncrementalAlterConfigs). It applies
// from the next append and the next maintenance pass.
func (l *Log) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	l.cfg = cfg.withDefaults()
	l.interval.Store(int64(l.cfg.IndexIntervalBytes))
	return nil
}

// LogStartOffset is the first offset readable.
func (l *Log) LogStartOffset() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.logStart
}

// LogEndOffset is the offset the next appended record gets.
func (l *Log) LogEndOffset() int64 { return l.leo.Load() }

// Size is the partition's size in bytes, all segments.
func (l *Log) Size() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var n int64
	for _, s := range l.segs {
		n += s.size
	}
	return n
}

// NumSegments is how many segment files the partition has.
func (l *Log) NumSegments() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return len(l.segs)
}

// SetRetentionLimit keeps retention and DeleteRecordsBefore from deleting a
// segment holding an offset at or above limit. Replication sets it to the
// high watermark so a lagging follower's data stays. The default is no limit.
func (l *Log) SetRetentionLimit(limit int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.retentionLimit = limit
}

// EpochEntries returns the leader epoch history, oldest first.
func (l *Log) EpochEntries() []EpochEntry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.epochs.clone()
}

// LatestEpoch returns the newest leader epoch that wrote to the log.
func (l *Log) LatestEpoch() (int32, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	e, ok := l.epochs.latest()
	return e.Epoch, ok
}

// EndOffsetForEpoch answers OffsetForLeaderEpoch (KIP-101/279): the largest
// epoch at or below epoch that wrote to the log, and the offset where the
// epoch after it starts (the log end offset for the latest epoch).
// UndefinedEpoch, UndefinedOffset when the log knows no such epoch.
func (l *Log) EndOffsetForEpoch(epoch int32) (int32, int64) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.epochs.endOffsetFor(epoch, l.leo.Load())
}

// Producer returns an idempotent producer's state in this partition.
func (l *Log) Producer(id int64) (ProducerInfo, bool) {
	l.appendMu.Lock()
	defer l.appendMu.Unlock()
	e, ok := l.producers[id]
	if !ok {
		return ProducerInfo{}, false
	}
	return e.info(id), true
}

// active is the segment appends go to. Callers hold mu or appendMu.
func (l *Log) active() *segment { return l.segs[len(l.segs)-1] }

// segmentFor returns the index of the last segment whose base is <= offset.
func (l *Log) segmentFor(offset int64) int {
	i := sort.Search(len(l.segs), func(i int) bool { return l.segs[i].base > offset })
	return max(i-1, 0)
}

// nowMs is the clock in Unix milliseconds.
func (l *Log) nowMs() int64 { return l.clock().UnixMilli() }

// checkOpen returns ErrClosed once the log is closed. Callers hold mu.
func (l *Log) checkOpen() error {
	if l.closed {
		return fmt.Errorf("%w: %s", ErrClosed, l.dir)
	}
	return nil
}

// noLimit is the retention limit when replication set none.
const noLimit = math.MaxInt64
