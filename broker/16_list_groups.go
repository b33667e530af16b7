package broker

import (
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// ListGroups v0-5.
// Every group this broker coordinates, including groups that only have
// committed offsets (state Empty). v4+ filters by state, v5+ by type
// (all groups are "classic").

func init() { register(16, 0, 5, false, (*Broker).handleListGroups) }

func (b *Broker) handleListGroups(cx *reqCtx) (kmsg.Response, error) {
	req := cx.req.(*kmsg.ListGroupsRequest)
	resp := req.ResponseKind().(*kmsg.ListGroupsResponse)
	for _, g := range b.groups.list() {
		if len(req.StatesFilter) > 0 && !slices.ContainsFunc(req.StatesFilter, func(s string) bool { return strings.EqualFold(s, g.state) }) {
			continue
		}
		if len(req.TypesFilter) > 0 && !slices.ContainsFunc(req.TypesFilter, func(s string) bool { return strings.EqualFold(s, "classic") }) {
			continue
		}
		lg := kmsg.NewListGroupsResponseGroup()
		lg.Group, lg.ProtocolType, lg.GroupState, lg.GroupType = g.id, g.protocolType, g.state, "classic"
		resp.Groups = append(resp.Groups, lg)
	}
	return resp, nil
}
