package web

import (
	"net/http"
	"slices"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// portalNoticeRoutes are the notices, the hotline and zone contacts and
// the lobby hours on the residents' portal (issue 15).
func (h *Handler) portalNoticeRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/notices", Perm: wubu.PermPortal, Handler: h.portalNotices},
	}
}

type portalNoticesView struct {
	Page
	Bulletins []*wubu.Bulletin
	Info      *wubu.CommunityInfo
	Cards     []*wubu.ContactCard
	Lobby     []*wubu.LobbyHours
}

// portalNotices shows what the centre publishes to the resident's
// buildings: the notices on the board, the hotline and the zone
// assistants' numbers, this month's lobby hours.
func (h *Handler) portalNotices(w http.ResponseWriter, r *http.Request) {
	id, ok := h.portalResident(r)
	if !ok {
		h.fail(w, r, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in."))
		return
	}
	ctx := r.Context()
	v := &portalNoticesView{Page: h.newPage(r, "Notices and contacts")}
	var err error
	if v.Bulletins, err = h.Bulletins.MyBulletins(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	// The notices are shown whole: the resident has read them (the staff
	// page's read count).
	read := make([]int64, len(v.Bulletins))
	for i, n := range v.Bulletins {
		read[i] = n.ID
	}
	if err := h.Bulletins.RecordBulletinReads(ctx, id.PersonID, read...); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Info, err = h.Handbook.FindCommunityInfo(ctx, id.ProjectID); err != nil {
		h.fail(w, r, err)
		return
	}
	cards, err := h.Handbook.ContactCards(ctx, id.ProjectID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mine := func(b int64) bool {
		return slices.ContainsFunc(id.Homes, func(x *wubu.PortalHome) bool { return x.BuildingID == b })
	}
	for _, c := range cards {
		if mine(c.BuildingID) {
			v.Cards = append(v.Cards, c)
		}
	}
	month := h.Clock.Now().In(cst).Format("2006-01")
	for _, c := range v.Cards {
		hours, err := h.Lobby.LobbyHours(ctx, id.ProjectID, c.BuildingID, month)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Lobby = append(v.Lobby, hours...)
	}
	h.render(w, r, http.StatusOK, "portal_notices", v)
}
