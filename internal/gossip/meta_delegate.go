package gossip

// metaDelegate is memberlist's Delegate of a node that publishes its node
// meta and nothing else: no user messages, broadcasts or state.
type metaDelegate struct{ meta []byte }

func (d metaDelegate) NodeMeta(limit int) []byte {
	if len(d.meta) > limit {
		return nil
	}
	return d.meta
}
func (metaDelegate) NotifyMsg([]byte)                {}
func (metaDelegate) GetBroadcasts(int, int) [][]byte { return nil }
func (metaDelegate) LocalState(bool) []byte          { return nil }
func (metaDelegate) MergeRemoteState([]byte, bool)   {}
