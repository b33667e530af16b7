package broker

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// metaState is the broker metadata that is not in any partition log: the
// topics (ids, partition counts, config overrides) and the producer-id
// high-water mark. It is small and changes rarely, so it is rewritten whole
// on every change: temp file, fsync, rename, fsync of the folder.
type metaState struct {
	Version int         `json:"version"`
	Topics  []topicMeta `json:"topics"`
	// NextProducerID is above every producer id handed out; ids are handed
	// out in blocks so that this file is not rewritten per InitProducerId.
	NextProducerID int64 `json:"nextProducerId"`
}

type topicMeta struct {
	Name       string            `json:"name"`
	ID         string            `json:"id"` // 32 hex digits
	Partitions int32             `json:"partitions"`
	Configs    map[string]string `json:"configs,omitempty"`
}

const metaFileName = "meta.json"

func loadMeta(dir string) (metaState, error) {
	var m metaState
	b, err := os.ReadFile(filepath.Join(dir, metaFileName))
	if errors.Is(err, os.ErrNotExist) {
		return metaState{Version: 1, NextProducerID: 1}, nil
	}
	if err != nil {
		return m, fmt.Errorf("broker: reading metadata: %w", err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("broker: metadata file %s is corrupt (%v); restore it from a backup or move it away to start empty", filepath.Join(dir, metaFileName), err)
	}
	for _, t := range m.Topics {
		if _, err := parseTopicID(t.ID); err != nil || validTopicName(t.Name) != nil || t.Partitions < 1 {
			return m, fmt.Errorf("broker: metadata file %s has an invalid topic entry %+v", filepath.Join(dir, metaFileName), t)
		}
	}
	return m, nil
}

func saveMeta(dir string, m metaState) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("broker: encoding metadata: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, metaFileName), b)
}

// writeFileAtomic replaces path with data so that a crash leaves either
// the old or the new content, never a mix.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("broker: writing %s: %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("broker: writing %s: %w", path, err)
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("broker: syncing folder of %s: %w", path, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("broker: syncing folder of %s: %w", path, err)
	}
	return nil
}

func parseTopicID(s string) ([16]byte, error) {
	var id [16]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 16 {
		return id, fmt.Errorf("broker: topic id %q is not 32 hex digits", s)
	}
	copy(id[:], b)
	return id, nil
}
