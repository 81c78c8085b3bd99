package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// giftRoutes are the screens of the gifts (D2, C6, D4): the items with
// their stock and the register, a campaign's households still to receive
// its gift, and handing a gift to a resident.
func (h *Handler) giftRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/gifts", Perm: wubu.PermResidentView, Handler: h.giftList},
		{Method: "POST", Path: "/gifts/items", Perm: wubu.PermSettingsEdit, Handler: h.giftItemCreate},
		{Method: "POST", Path: "/gifts/items/{id}/receive", Perm: wubu.PermSettingsEdit, Handler: h.giftReceive},
		{Method: "POST", Path: "/gifts/campaigns", Perm: wubu.PermSettingsEdit, Handler: h.giftCampaignCreate},
		{Method: "GET", Path: "/gift-campaigns/{id}", Perm: wubu.PermResidentView, Handler: h.giftCampaignShow},
		{Method: "GET", Path: "/gifts/handout", Perm: wubu.PermResidentEdit, Handler: h.giftHandoutShow},
		{Method: "POST", Path: "/gifts/handout", Perm: wubu.PermResidentEdit, Handler: h.giftHandout},
	}
}

type giftListView struct {
	securityPage
	Items     []*wubu.GiftItem
	Campaigns []*wubu.GiftCampaign
	Register  []*wubu.GiftMovement
	Pager     PagerView
	Buildings []*wubu.Building
	Kinds     []wubu.GiftKind
	CanSetup  bool
}

func (h *Handler) giftListView(r *http.Request) (*giftListView, error) {
	base, err := h.newSecurityPage(r, "Gifts")
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(r.Context())
	v := &giftListView{securityPage: base, Kinds: wubu.GiftKinds, CanSetup: u.Can(wubu.PermSettingsEdit)}
	if v.ProjectID == 0 {
		return v, nil
	}
	ctx := r.Context()
	if v.Items, err = h.Gifts.GiftItems(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Campaigns, err = h.Gifts.GiftCampaigns(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	if v.Buildings, err = h.Org.FindBuildings(ctx, v.ProjectID); err != nil {
		return nil, err
	}
	v.Register, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.GiftMovement, int, error) {
		return h.Gifts.GiftMovements(ctx, v.ProjectID, wubu.GiftFilter{Offset: offset, Limit: pageSize})
	})
	return v, err
}

// giftList shows the items, the campaigns and the register.
func (h *Handler) giftList(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.giftListView, "gifts")
}

// giftForm answers a gifts form: on to the gifts page with a message, or
// the page again with the refusal beside its field (under prefix).
func (h *Handler) giftForm(w http.ResponseWriter, r *http.Request, err error, prefix, flash string) {
	if err != nil {
		answerRefused(h, w, r, err, h.giftListView, "gifts", prefix)
		return
	}
	h.redirect(w, r, "/gifts?project="+r.PostFormValue("project"), flash)
}

// giftItemCreate adds an item.
func (h *Handler) giftItemCreate(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	it := &wubu.GiftItem{ProjectID: pid, Name: r.PostFormValue("name"), Kind: wubu.GiftKind(r.PostFormValue("kind"))}
	h.giftForm(w, r, h.Gifts.CreateGiftItem(r.Context(), it), "item_", h.T(r, "Gift added: receive its stock."))
}

// giftReceive adds stock to an item.
func (h *Handler) giftReceive(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("quantity")))
	it, err := h.Gifts.ReceiveGift(r.Context(), id, q, r.PostFormValue("note"))
	flash := ""
	if err == nil {
		flash = h.T(r, "%s: %d in stock.", it.Name, it.Stock)
	}
	h.giftForm(w, r, err, fmt.Sprintf("receive%d_", id), flash)
}

// giftCampaignCreate starts a campaign.
func (h *Handler) giftCampaignCreate(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	pid, _ := strconv.ParseInt(r.PostFormValue("project"), 10, 64)
	item, _ := strconv.ParseInt(r.PostFormValue("item_id"), 10, 64)
	c := &wubu.GiftCampaign{ProjectID: pid, Name: r.PostFormValue("name"), ItemID: item, BuildingID: optID(r, "building_id")}
	if err := h.Gifts.CreateGiftCampaign(r.Context(), c); err != nil {
		h.giftForm(w, r, err, "campaign_", "")
		return
	}
	h.redirect(w, r, fmt.Sprintf("/gift-campaigns/%d", c.ID), h.T(r, "Campaign started."))
}

type giftCampaignView struct {
	Page
	Campaign *wubu.GiftCampaign
	Pending  []*wubu.GiftHousehold
	Given    []*wubu.GiftMovement
	CanGive  bool
}

// giftCampaignShow shows a campaign: the households still to receive its
// gift, each resident with a button to hand it, and those who received it.
func (h *Handler) giftCampaignShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	c, err := h.Gifts.FindGiftCampaign(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &giftCampaignView{Page: h.newPage(r, "Gift campaign"), Campaign: c, CanGive: wubu.UserFromContext(ctx).Can(wubu.PermResidentEdit)}
	if v.Pending, err = h.Gifts.PendingHouseholds(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Given, _, err = h.Gifts.GiftMovements(ctx, c.ProjectID, wubu.GiftFilter{CampaignID: id, Limit: 500}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "gift_campaign", v)
}

type giftHandoutView struct {
	Page
	Resident *wubu.Resident
	Items    []*wubu.GiftItem
	Received []*wubu.GiftMovement
}

func (h *Handler) giftHandoutView(r *http.Request) (*giftHandoutView, error) {
	pid, err := strconv.ParseInt(r.FormValue("person"), 10, 64)
	if err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	ctx := r.Context()
	res, err := h.Residents.FindResident(ctx, pid)
	if err != nil {
		return nil, err
	}
	v := &giftHandoutView{Page: h.newPage(r, "Hand out a gift"), Resident: res}
	if v.Items, err = h.Gifts.GiftItems(ctx, res.ProjectID); err != nil {
		return nil, err
	}
	v.Received, _, err = h.Gifts.GiftMovements(ctx, res.ProjectID, wubu.GiftFilter{PersonID: pid, Limit: 100})
	return v, err
}

// giftHandoutShow is the form to hand a gift to a resident (from the
// customer card).
func (h *Handler) giftHandoutShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.giftHandoutView, "gift_handout")
}

// giftHandout hands a gift out: to a resident from their card, or to a
// household from a campaign's list (next names the page to go back to).
func (h *Handler) giftHandout(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	req := wubu.GiftHandoutRequest{Note: r.PostFormValue("note")}
	req.PersonID, _ = strconv.ParseInt(r.PostFormValue("person"), 10, 64)
	req.ItemID, _ = strconv.ParseInt(r.PostFormValue("item_id"), 10, 64)
	req.CampaignID, _ = strconv.ParseInt(r.PostFormValue("campaign_id"), 10, 64)
	req.RoomID, _ = strconv.ParseInt(r.PostFormValue("room_id"), 10, 64)
	if s := strings.TrimSpace(r.PostFormValue("quantity")); s != "" {
		if req.Quantity, _ = strconv.Atoi(s); req.Quantity == 0 {
			req.Quantity = -1
		}
	}
	m, err := h.Gifts.HandOutGift(r.Context(), req)
	next := r.PostFormValue("next")
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		next = fmt.Sprintf("/gifts/handout?person=%d", req.PersonID)
	}
	if err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		if req.CampaignID != 0 {
			// From a campaign's list: back to it, the refusal on top.
			h.redirect(w, r, next, server.ErrMessage(r, err))
			return
		}
		reshowForm(h, w, r, err, h.giftHandoutView, r.PostForm, "gift_handout", "")
		return
	}
	h.redirect(w, r, next, h.T(r, "%s handed to %s.", m.ItemName, m.PersonName))
}
