package cluster

// DefaultImbalancePercentage is Kafka's leader.imbalance.per.broker.percentage.
const DefaultImbalancePercentage = 10

// ImbalancedPartitions is the automatic leader rebalance
// (auto.leader.rebalance.enable): for every live broker whose share of
// partitions it prefers to lead but does not lead is above percent, it
// returns those partitions whose preferred replica is alive and in sync,
// to be handed to a preferred ElectLeaders. The result is in topic and
// partition order.
func ImbalancedPartitions(s *State, percent int) []TopicPartition {
	type count struct{ preferred, notLeading int }
	counts := map[int32]*count{}
	s.forEachPartition(func(_ *Topic, _ int32, p *Partition) {
		pref := p.PreferredLeader()
		if pref == NoLeader {
			return
		}
		c := counts[pref]
		if c == nil {
			c = &count{}
			counts[pref] = c
		}
		c.preferred++
		if p.Leader != pref {
			c.notLeading++
		}
	})
	var out []TopicPartition
	s.forEachPartition(func(t *Topic, i int32, p *Partition) {
		pref := p.PreferredLeader()
		c := counts[pref]
		if c == nil || p.Leader == pref || !s.alive(pref) || !p.InISR(pref) {
			return
		}
		if c.notLeading*100 > c.preferred*percent {
			out = append(out, TopicPartition{t.Name, i})
		}
	})
	return out
}
