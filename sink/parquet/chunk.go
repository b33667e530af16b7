package parquet

// chunkRows is how many rows the sink hands pqarrow per call. The encoder's
// page boundaries depend on how its input is cut, so the sink re-cuts
// whatever records it is given into chunks whose boundaries depend only on
// row positions in the file: the same rows in the same order then give the
// same bytes, however the source happened to batch them. It is also the
// granularity of MaxFileBytes.
const chunkRows = 16384

// limits are the row and byte bounds of the files of one task.
type limits struct {
	rowGroupRows int64 // > 0
	maxFileRows  int64 // 0: none
	maxFileBytes int64 // 0: none
}

// rowsUntilCut is how many rows, counted from a file holding fileRows rows,
// go into the next chunk: chunks end at chunkRows boundaries within a row
// group, at row-group ends and at MaxFileRows. It depends on the position
// only, which is what makes the output deterministic.
func rowsUntilCut(fileRows int64, l limits) int64 {
	inGroup := fileRows % l.rowGroupRows
	n := l.rowGroupRows - inGroup
	if c := chunkRows - inGroup%chunkRows; c < n {
		n = c
	}
	if l.maxFileRows > 0 {
		if f := l.maxFileRows - fileRows; f < n {
			n = f
		}
	}
	return n
}

// rollAfter reports whether a file is full after a chunk: it reached
// MaxFileRows, or its compressed size reached MaxFileBytes.
func rollAfter(fileRows, fileBytes int64, l limits) bool {
	if l.maxFileRows > 0 && fileRows >= l.maxFileRows {
		return true
	}
	return l.maxFileBytes > 0 && fileBytes >= l.maxFileBytes
}
