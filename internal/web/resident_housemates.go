package web

import (
	"context"

	"github.com/wubu-oss/wubu"
)

// roomMates are the people living in one of a resident's rooms besides
// them: the household (owners and family) and the room's other residents
// (tenants and the rest).
type roomMates struct {
	Room      string
	Household []*wubu.LookupResult
	Others    []*wubu.LookupResult
}

// housemates finds, for each room the resident lives in, the others living
// there, through the lookup by room (scoped and masked like any lookup).
func (h *Handler) housemates(ctx context.Context, res *wubu.Resident) []roomMates {
	var out []roomMates
	for _, hh := range res.Households {
		if hh.MoveOut != "" {
			continue
		}
		hits, err := h.Residents.Lookup(ctx, res.ProjectID, hh.RoomLabel, 30)
		if err != nil {
			continue
		}
		rm := roomMates{Room: hh.RoomLabel}
		for _, hit := range hits {
			if hit.PersonID == res.ID || hit.Match != "room" {
				continue
			}
			if hit.Relation == wubu.RelationOwner || hit.Relation == wubu.RelationFamily {
				rm.Household = append(rm.Household, hit)
			} else {
				rm.Others = append(rm.Others, hit)
			}
		}
		if len(rm.Household)+len(rm.Others) > 0 {
			out = append(out, rm)
		}
	}
	return out
}
