package log

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spate-io/spate/internal/testutil"
)

func TestParsePartitionDir(t *testing.T) {
	cases := []struct {
		name string
		want TopicPartition
		ok   bool
	}{
		{"clicks-0", TopicPartition{"clicks", 0}, true},
		{"my-topic-12", TopicPartition{"my-topic", 12}, true},
		{"__consumer_offsets-49", TopicPartition{"__consumer_offsets", 49}, true},
		{"clicks", TopicPartition{}, false},
		{"clicks-", TopicPartition{}, false},
		{"-3", TopicPartition{}, false},
		{"clicks--1", TopicPartition{"clicks-", 1}, true},
		{"clicks-0.abcdef-delete", TopicPartition{}, false},
		{"bad/name-1", TopicPartition{}, false},
	}
	for _, c := range cases {
		got, ok := ParsePartitionDir(c.name)
		if ok != c.ok || got != c.want {
			t.Errorf("ParsePartitionDir(%q) = %v %v", c.name, got, ok)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", "../etc", "é", string(make([]byte, 250))} {
		if ValidateTopic(bad) == nil {
			t.Errorf("topic %q accepted", bad)
		}
	}
}

func TestManager(t *testing.T) {
	dir := t.TempDir()
	m, err := OpenManager(dir, Config{SegmentBytes: 1500})
	if err != nil {
		t.Fatal(err)
	}
	a, err := m.Create("clicks", 0, Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Create("my-topic", 3, Config{RetentionBytes: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenManager(dir, Config{}); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("a second manager on the same folder: %v", err)
	}
	if _, err := m.Create("../escape", 0, Config{}); err == nil {
		t.Fatal("a path-like topic name was accepted")
	}
	fill(t, a, 10, 2, 10)
	fill(t, b, 30, 2, 30)
	if again, _ := m.Create("clicks", 0, Config{}); again != a || m.Get("clicks", 0) != a || m.Get("clicks", 1) != nil {
		t.Fatal("Create/Get of an open partition")
	}
	stop := m.StartMaintenance(5 * time.Millisecond)
	testutil.WaitFor(t, 10*time.Second, 5*time.Millisecond, func() error {
		if b.Size() > 2000+1500 {
			return errors.New("retention has not run")
		}
		return nil
	})
	stop()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// A leftover of an interrupted delete is removed at open.
	os.MkdirAll(filepath.Join(dir, "old-0.0123abcd-delete"), 0o755)
	m, err = OpenManager(dir, Config{SegmentBytes: 1500})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if got := m.Partitions(); len(got) != 2 || got[0] != (TopicPartition{"clicks", 0}) || got[1] != (TopicPartition{"my-topic", 3}) {
		t.Fatalf("partitions after reopen %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "old-0.0123abcd-delete")); !os.IsNotExist(err) {
		t.Fatal("a deleted partition folder survived")
	}
	a = m.Get("clicks", 0)
	if a.LogEndOffset() != 20 {
		t.Fatalf("clicks-0 leo %d after reopen", a.LogEndOffset())
	}
	r, err := a.Read(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := m.Delete("clicks", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "clicks-0")); !os.IsNotExist(err) {
		t.Fatal("the partition folder is still there")
	}
	if _, err := r.Bytes(); err != nil {
		t.Fatalf("a read held across the delete: %v", err)
	}
	if _, err := a.Append(makeBatch(t, plain(1, 1, 0)), AppendOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("append to a deleted partition: %v", err)
	}
	if err := m.Delete("clicks", 0); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}
