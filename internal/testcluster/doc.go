// Package testcluster runs spate as real processes for tests: it builds
// the spate binary once per test binary, starts a broker, a driver and
// executors on free 127.0.0.1 ports, waits for each to be ready with a
// deadline, kills any of them with SIGKILL on demand, and hands their
// logs to t.Log when the test fails.
//
// # Usage
//
//	c := testcluster.New(t)
//	brokers := c.StartBroker()
//	testcluster.CreateTopic(t, brokers, "events", 4)
//	c.StartDriver()
//	e1 := c.StartExecutor("executor-1")
//	c.StartExecutor("executor-2")
//	resp, err := c.Client().Submit(ctx, planJSON)
//	...
//	e1.Kill() // SIGKILL
//	testutil.WaitFor(t, 30*time.Second, 50*time.Millisecond, func() error { ... })
//	testcluster.CheckExactlyOnce(t, testcluster.BrokerRecords(t, brokers, "events"), testcluster.ReadParquet(t, out))
//
// It also holds the checks those tests share: reading Parquet output by
// plain glob with parquet-go/parquet-go (not the library spate writes
// with) and reading back what the broker holds with franz-go.
package testcluster
