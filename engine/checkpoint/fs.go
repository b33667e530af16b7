package checkpoint

// FS is the storage a checkpoint lives on: the few operations the
// checkpoint uses, so that S3-compatible object storage can stand in for a
// local folder without touching the engine. Names are slash-separated and
// relative to the checkpoint's location ("offsets/5").
type FS interface {
	// WriteFile stores data at name atomically: a reader sees the whole
	// previous content or the whole of data, never a part, also after a
	// crash. The write is durable when WriteFile returns. With exclusive,
	// an existing name is not replaced and the error satisfies
	// errors.Is(err, fs.ErrExist). Parent folders are created as needed.
	WriteFile(name string, data []byte, exclusive bool) error
	// ReadFile returns the content of name; for a missing name the error
	// satisfies errors.Is(err, fs.ErrNotExist).
	ReadFile(name string) ([]byte, error)
	// List returns the names of the files directly under dir, sorted. A
	// missing dir lists nothing. Leftovers of unfinished writes are not
	// listed.
	List(dir string) ([]string, error)
	// Remove deletes name; a missing name is not an error.
	Remove(name string) error
	// Path is name as a user finds it ("/data/ckpt/offsets/5",
	// "s3://bucket/ckpt/offsets/5"), for messages.
	Path(name string) string
}

// tempCleaner is implemented by an FS whose atomic writes can leave
// temporary files behind after a crash; Open removes them.
type tempCleaner interface {
	RemoveTemp(dir string) error
}
