package parquet

import (
	"strings"
	"testing"

	"github.com/spate-io/spate/internal/parquetlog"
)

func TestFileEntryValidate(t *testing.T) {
	part := []string{"page"}
	home := []PartitionValue{{Column: "page", Value: str("home")}}
	null := []PartitionValue{{Column: "page"}}
	for _, tc := range []struct {
		f    parquetlog.FileEntry
		want string // "" for valid
	}{
		{parquetlog.FileEntry{Path: "page=home/part-00003-00001-000.parquet", Rows: 1, Bytes: 9, Partition: home}, ""},
		{parquetlog.FileEntry{Path: "page=__HIVE_DEFAULT_PARTITION__/part-00003-00001-012.parquet", Rows: 1, Bytes: 9, Partition: null}, ""},
		{parquetlog.FileEntry{Path: "page=home/part-00004-00001-000.parquet", Rows: 1, Bytes: 9, Partition: home}, "another batch"},
		{parquetlog.FileEntry{Path: "page=home/part-00003-00002-000.parquet", Rows: 1, Bytes: 9, Partition: home}, "another task"},
		{parquetlog.FileEntry{Path: "page=away/part-00003-00001-000.parquet", Rows: 1, Bytes: 9, Partition: home}, `folder must be "page=home"`},
		{parquetlog.FileEntry{Path: "page=home/../part-00003-00001-000.parquet", Rows: 1, Bytes: 9, Partition: home}, "clean, relative"},
		{parquetlog.FileEntry{Path: "/page=home/part-00003-00001-000.parquet", Rows: 1, Bytes: 9, Partition: home}, "clean, relative"},
		{parquetlog.FileEntry{Path: "page=home/x.parquet", Rows: 1, Bytes: 9, Partition: home}, "not part-<batch>"},
		{parquetlog.FileEntry{Path: "page=home/part-00003-00001-000.parquet", Rows: 0, Bytes: 9, Partition: home}, "positive"},
		{parquetlog.FileEntry{Path: "part-00003-00001-000.parquet", Rows: 1, Bytes: 9}, "0 partition values for 1"},
		{parquetlog.FileEntry{Path: "page=/part-00003-00001-000.parquet", Rows: 1, Bytes: 9, Partition: []PartitionValue{{Column: "page", Value: str("")}}}, "do not match"},
	} {
		err := validateEntry(tc.f, 3, 1, part)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", tc.f.Path, err, tc.want)
		}
	}
}
