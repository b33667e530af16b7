package batch

// Plan is batch N as the driver decides it and writes it to
// <checkpoint>/offsets/N before any task runs.
type Plan struct {
	// ID is the batch number, 0 for the first batch of a query.
	ID int64 `json:"batchId"`
	// Sources holds, per source of the query (in plan order), where the batch
	// starts and ends.
	Sources []SourceRange `json:"sources"`
	// Tasks are the batch's tasks, IDs 0..len-1.
	Tasks []Task `json:"tasks"`
	// Watermark is the event-time watermark in force for the batch, in Unix
	// milliseconds (0 when the query has none).
	Watermark int64 `json:"watermarkMs"`
	// Timestamp is the batch's time in Unix milliseconds; CurrentTimestamp
	// evaluates to it, so a replay computes the same values.
	Timestamp int64 `json:"timestampMs"`
}

// SourceRange is where one source's part of a batch starts and ends.
type SourceRange struct {
	Start Offsets `json:"start"`
	End   Offsets `json:"end"`
}
