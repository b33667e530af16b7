// Package group is the classic Kafka consumer group protocol (JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup) as a pure state machine: no sockets,
// no goroutines, no clock of its own. The broker drives it: every call takes
// the current time, replies to waiting members go through callbacks invoked
// synchronously, and Tick expires sessions and ends rebalances whose time
// is up. Tests drive it with a fake clock.
//
// States follow Kafka's GroupCoordinator: Empty, PreparingRebalance,
// CompletingRebalance, Stable and Dead. A rebalance collects JoinGroup
// requests until every known member has rejoined or the largest rebalance
// timeout passes; the first rebalance of an empty group waits the initial
// rebalance delay (extended by each new member up to the rebalance timeout)
// so that members starting together land in one generation. The leader's
// SyncGroup carries every member's assignment.
//
// Errors are Kafka error codes (kerr) because they go straight into
// responses.
//
// # Usage
//
//	g := group.New("clicks", group.Config{InitialRebalanceDelay: 3 * time.Second})
//	g.Join(now, group.JoinRequest{ClientID: "c1", ProtocolType: "consumer",
//		Protocols: []group.Protocol{{Name: "range", Metadata: md}},
//		SessionTimeout: 10 * time.Second, RebalanceTimeout: time.Minute},
//		func(r group.JoinResult) { /* answer the JoinGroup request */ })
//	g.Tick(later) // completes the join once the delay has passed
package group
