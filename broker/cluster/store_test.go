package cluster

import (
	"bytes"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

func TestBoltStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s, err := openBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if first, _ := s.FirstIndex(); first != 0 {
		t.Fatalf("empty store first index %d", first)
	}
	var logs []*raft.Log
	for i := uint64(1); i <= 10; i++ {
		logs = append(logs, &raft.Log{Index: i, Term: 2, Type: raft.LogCommand, Data: []byte{byte(i)}, AppendedAt: time.Unix(0, int64(i))})
	}
	logs[3].Extensions = []byte("ext")
	if err := s.StoreLogs(logs); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRange(1, 3); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRange(9, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get([]byte("term")); err == nil || err.Error() != "not found" {
		t.Fatalf("missing key: %v", err)
	}
	if err := s.SetUint64([]byte("term"), 7); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = openBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first, _ := s.FirstIndex()
	last, _ := s.LastIndex()
	if first != 4 || last != 8 {
		t.Fatalf("first %d last %d, want 4 and 8", first, last)
	}
	var got raft.Log
	if err := s.GetLog(4, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, logs[3]) {
		t.Fatalf("got %+v, want %+v", got, logs[3])
	}
	if err := s.GetLog(2, &got); !errors.Is(err, raft.ErrLogNotFound) {
		t.Fatalf("deleted entry: %v", err)
	}
	if v, _ := s.GetUint64([]byte("term")); v != 7 {
		t.Fatalf("term %d", v)
	}
	if v, _ := s.GetUint64([]byte("other")); v != 0 {
		t.Fatalf("missing number %d", v)
	}
	var l raft.Log
	for _, b := range [][]byte{nil, make([]byte, 20), append(make([]byte, 17), 0, 0, 0, 9)} {
		if err := decodeLog(1, b, &l); err == nil {
			t.Fatalf("damaged entry %v accepted", b)
		}
	}
}

// FuzzDecodeLog: a damaged raft entry is an error, never a panic.
func FuzzDecodeLog(f *testing.F) {
	f.Add(encodeLog(&raft.Log{Term: 1, Type: raft.LogCommand, Data: []byte("x"), Extensions: []byte("e")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var l raft.Log
		if decodeLog(1, b, &l) == nil && !bytes.Equal(encodeLog(&l), b) && len(b) > 0 {
			// Accepted entries re-encode to themselves (except the
			// appended-at of zero, which both sides write as 0).
			t.Fatalf("entry %x decoded to %+v which encodes differently", b, l)
		}
	})
}
