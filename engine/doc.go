// Package engine is the spate job DSL: sessions, DataFrames, columns and
// expressions that build an immutable, serializable logical plan
// (package plan), and the vectorised Arrow pipeline that executes it.
//
// # Usage
//
//	clicks := arrow.NewSchema([]arrow.Field{
//		{Name: "user_id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
//		{Name: "page", Type: arrow.BinaryTypes.String, Nullable: true},
//		{Name: "ts", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
//	}, nil)
//	w := engine.NewSession("clicks").
//		ReadStream(kafka.Subscribe("clicks")).
//		Select(engine.FromJSON(engine.Col("value"), clicks, map[string]string{"mode": "DROPMALFORMED"}).As("c")).
//		Select(engine.Col("c.*")).
//		Filter(engine.Col("page").Like("/shop/%")).
//		WithColumn("bucket", engine.XXHash64(engine.Col("user_id")).Mod(16)).
//		WithWatermark("ts", 30*time.Second).
//		WriteStream(parquet.Sink("out/clicks")).
//		Checkpoint("ckpt/clicks").
//		Trigger(engine.ProcessingTime(5 * time.Second))
//	q, err := w.Plan() // *plan.Query: what a driver persists and runs
//
// Every DataFrame method analyses its step at once: an unknown column
// (with a did-you-mean and the list of columns), an ambiguous name, a type
// mismatch or an unknown UDF is an error kept in the DataFrame (Err) and
// returned by every later step, never a panic and never a surprise at run
// time. Expressions follow Spark SQL's non-ANSI semantics: a bad cast, a
// division by zero or an index out of range gives null.
//
// # Running a plan: Compile and Pipeline
//
// The streaming loop and the executors run a plan task by task:
//
//	pipe, err := engine.Compile(q, engine.ExecEnv{
//		Mem:       mem,            // every batch the pipeline makes comes from mem
//		BatchID:   plan.ID,
//		Timestamp: plan.Timestamp, // batch.Plan.Timestamp: CurrentTimestamp, same on replay
//		Source:    task.Source,    // which query source the task reads
//		Ranges:    task.Ranges,    // named in errors when records carry no offsets
//	})
//	w, err := sink.NewTaskWriter(ctx, info, pipe.OutputSchema())
//	err = reader.ReadRange(ctx, r, func(rec arrow.RecordBatch) error {
//		defer rec.Release()                    // ReadRange hands ownership over
//		return pipe.Process(ctx, rec, func(out arrow.RecordBatch) error {
//			return w.Write(ctx, out)           // out is lent; Retain to keep it
//		})
//	})
//	c := pipe.Counters() // RowsIn, RowsOut, Malformed, DroppedMalformed, Filtered, event times
//
// Compile re-runs the analysis on the decoded plan, so a plan that names a
// UDF this binary lacks, or a column its source no longer has, fails
// before any record is read. A Pipeline is stateless across batches and
// not safe for concurrent use: compile one per task. Process borrows its
// input and lends its outputs; after the last batch the allocator holds
// nothing the pipeline made. A FromJSON in FAILFAST mode fails Process
// with the topic, partition and offset of the record (errors.Is
// ErrMalformed).
//
// # Sources and sinks
//
// Connectors implement StreamSource / BatchSource and StreamSink, and
// register a decoder by kind (RegisterSource, RegisterSink) so a plan read
// back from JSON finds them: source/kafka, source/rate, source/memory,
// sink/parquet, sink/memory, sink/console. Session.ReadParquet reads
// Parquet files as a static DataFrame.
//
// # What the streaming loop reads from a StreamWriter
//
// WriteStream returns a *StreamWriter; Plan() is the whole query as data
// (sources, operators, sink, trigger, output mode, checkpoint, options);
// Sources() and Sink() are the live connectors when the query runs in this
// process. Static DataFrames run here with Collect and Show.
package engine
