// Package gossip starts the memberlist node of a spate process: a broker
// among brokers, or a driver with its executors. A node gossips a fixed
// node meta, JSON it is given, and nothing else; who joins and who is
// declared dead comes to the caller's memberlist.EventDelegate.
//
// # Usage
//
//	ml, err := gossip.Start(gossip.Config{
//		Name: "broker-1", Bind: "10.0.0.1:7946", Meta: meta,
//		ProbeInterval: time.Second, ProbeTimeout: 500 * time.Millisecond,
//		Events: events, Logger: logger,
//	})
//	if err != nil { ... }
//	defer ml.Shutdown()
//	_, err = ml.Join(seeds)
//
// Errors carry no package prefix: callers add theirs ("cluster: ",
// "driver: ").
package gossip
