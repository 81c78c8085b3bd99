package web

import (
	"context"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
)

// names resolves the staff members and residents a page refers to by ID
// into their names, each once a request: pages show "经理 陈建国", never
// "user:12". An ID the viewer may not see stays a number ("#12").
type names struct {
	h         *Handler
	ctx       context.Context
	lang      string
	users     map[int64]string
	persons   map[int64]string
	buildings map[int64]string
}

func (h *Handler) newNames(ctx context.Context, lang string) *names {
	return &names{h: h, ctx: ctx, lang: lang, users: map[int64]string{}, persons: map[int64]string{}, buildings: map[int64]string{}}
}

// maxNameLookups bounds the residents one page resolves: a page of audit
// entries or messages names at most a few dozen.
const maxNameLookups = 100

// User returns the staff member's name, or "#ID".
func (n *names) User(id int64) string {
	if s, ok := n.users[id]; ok {
		return s
	}
	s := "#" + strconv.FormatInt(id, 10)
	if len(n.users) < maxNameLookups {
		if u, err := n.h.Users.FindUserByID(n.ctx, id); err == nil && u.Name != "" {
			s = u.Name
		}
	}
	n.users[id] = s
	return s
}

// Person returns the resident's name, or "#ID".
func (n *names) Person(id int64) string {
	if s, ok := n.persons[id]; ok {
		return s
	}
	s := "#" + strconv.FormatInt(id, 10)
	if len(n.persons) < maxNameLookups && n.h.Residents != nil && wubu.UserFromContext(n.ctx).Can(wubu.PermResidentView) {
		if r, err := n.h.Residents.FindResident(n.ctx, id); err == nil {
			s = r.Name
		}
	}
	n.persons[id] = s
	return s
}

// Building returns the building as staff say it ("3栋"), or "#ID".
func (n *names) Building(id int64) string {
	if s, ok := n.buildings[id]; ok {
		return s
	}
	s := "#" + strconv.FormatInt(id, 10)
	if len(n.buildings) < maxNameLookups && n.h.Org != nil {
		if b, err := n.h.Org.FindBuildingByID(n.ctx, id); err == nil {
			s = i18n.T(n.lang, "Building %s", b.Name)
		}
	}
	n.buildings[id] = s
	return s
}
