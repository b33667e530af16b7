package kafka

// Permanent marks lost data as an error no retry fixes: the query fails at
// once (engine.Retryable reads it) instead of retrying a listing that will
// report the same loss.
func (e *DataLossError) Permanent() bool { return true }
