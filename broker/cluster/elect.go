package cluster

import "slices"

// electLeader keeps p's leader if it is alive and in the ISR, and otherwise
// elects the first replica (in replica order, so target replicas and the
// preferred leader come first) that is alive and in the ISR. When there is
// none and unclean election is allowed it takes the first live replica and
// resets the ISR to it, accepting the loss of what only the ISR had; when
// not, the partition has no leader until an ISR member comes back.
// It does not touch the epochs: bumpEpochs does.
func electLeader(p *Partition, alive func(int32) bool, unclean bool) {
	if p.Leader != NoLeader && alive(p.Leader) && p.InISR(p.Leader) {
		return
	}
	for _, r := range p.Replicas {
		if alive(r) && p.InISR(r) {
			p.Leader = r
			return
		}
	}
	if unclean {
		for _, r := range p.Replicas {
			if alive(r) {
				p.Leader, p.ISR = r, []int32{r}
				return
			}
		}
	}
	p.Leader = NoLeader
}

// removeFromISR drops id from p's ISR unless it is the last member: Kafka
// keeps the last in-sync replica in the ISR so that, if it comes back, it
// can be elected cleanly with everything that was acknowledged.
func removeFromISR(p *Partition, id int32) {
	if len(p.ISR) > 1 && p.InISR(id) {
		p.ISR = without(p.ISR, []int32{id})
	}
}

// bumpEpochs sets after's epochs from before's: the leader epoch grows by
// one if the leader changed, the partition epoch by one if anything did.
func bumpEpochs(before, after *Partition) bool {
	after.LeaderEpoch, after.PartitionEpoch = before.LeaderEpoch, before.PartitionEpoch
	if after.Leader != before.Leader {
		after.LeaderEpoch++
	}
	if samePartition(before, after) {
		return false
	}
	after.PartitionEpoch++
	return true
}

func samePartition(a, b *Partition) bool {
	return a.Leader == b.Leader && a.LeaderEpoch == b.LeaderEpoch &&
		slices.Equal(a.Replicas, b.Replicas) && slices.Equal(a.ISR, b.ISR) &&
		slices.Equal(a.Adding, b.Adding) && slices.Equal(a.Removing, b.Removing)
}

// changePartition applies fn to p and bumps p's epochs for what fn changed;
// it reports whether anything changed.
func changePartition(p *Partition, fn func(p *Partition)) bool {
	before := p.Clone()
	fn(p)
	return bumpEpochs(before, p)
}
