package broker_test

import (
	"os"
	"testing"
	"time"
)

// chaos reports whether the long fault suites run (SPATE_CHAOS=1).
func chaos() bool { return os.Getenv("SPATE_CHAOS") != "" }

// TestKillLeadersUnderLoad is the failure test: 3 broker
// processes, a topic with RF 3 and min.insync.replicas 2, an idempotent
// acks=all producer at full speed; the leader of every partition in turn
// is killed with SIGKILL and restarted. Consumers then read everything
// acknowledged, once and in order per partition. One round (every
// partition once) by default, 10 with SPATE_CHAOS=1.
func TestKillLeadersUnderLoad(t *testing.T) {
	rounds := 1
	if chaos() {
		rounds = 10
	}
	c := startProcCluster(t, 3)
	adm := c.admin()
	createReplicated(t, adm, "acked", 3)
	w := startWorkload(t, c.addrs(), "acked")
	w.waitAcked(1000, 60*time.Second)
	for r := 0; r < rounds; r++ {
		for p := int32(0); p < 3; p++ {
			waitFullISR(t, adm, "acked")
			victim := leaderOf(t, adm, "acked", p)
			t.Logf("round %d: SIGKILL broker %d, leader of partition %d (%d acknowledged so far)", r, victim, p, w.numAcked())
			c.kill(victim)
			start := time.Now()
			w.waitAckedOn(p, 1000, 60*time.Second)
			t.Logf("partition %d took writes again %v after the kill", p, time.Since(start).Round(time.Millisecond))
			c.restart(victim)
			w.waitAcked(1000, 60*time.Second)
		}
	}
	w.stop()
	verifyAcked(t, c.addrs(), "acked", w.ackedSnapshot())
}
