package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// orderRoutes are the work orders' pages: the project's list and the form
// to open one, an order's page and its steps, the technician's phone page,
// the settings (price list, promise minutes, night-duty roster), the
// report and its export, and the repair history on the customer card.
func (h *Handler) orderRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/orders", Perm: wubu.PermOrderView, Handler: h.orderList},
		{Method: "GET", Path: "/projects/{id}/orders/new", Perm: wubu.PermOrderEdit, Handler: h.orderNew},
		{Method: "POST", Path: "/projects/{id}/orders", Perm: wubu.PermOrderEdit, Handler: h.orderCreate, MaxBody: MaxStepForm},
		{Method: "GET", Path: "/projects/{id}/order-settings", Perm: wubu.PermOrderView, Handler: h.orderSettings},
		{Method: "POST", Path: "/projects/{id}/order-settings", Perm: wubu.PermSettingsEdit, Handler: h.orderSettingsSave},
		{Method: "POST", Path: "/projects/{id}/prices", Perm: wubu.PermSettingsEdit, Handler: h.priceSave},
		{Method: "POST", Path: "/projects/{id}/duty-roster", Perm: wubu.PermSettingsEdit, Handler: h.rosterSave},
		{Method: "GET", Path: "/projects/{id}/orders/report", Perm: wubu.PermReportView, Handler: h.orderReport},
		{Method: "GET", Path: "/projects/{id}/orders/report/export", Perm: wubu.PermReportView, Handler: h.orderReportExport},
		{Method: "GET", Path: "/residents/{id}/orders", Perm: wubu.PermOrderView, Handler: h.residentOrders},
		{Method: "GET", Path: "/orders", Perm: wubu.PermOrderView, Handler: h.ordersHome},
		{Method: "GET", Path: "/my-orders", Perm: wubu.PermOrderView, Handler: h.ordersMine},
		{Method: "GET", Path: "/orders/{id}", Perm: wubu.PermOrderView, Handler: h.orderShow},
		{Method: "POST", Path: "/orders/{id}/dispatch", Perm: wubu.PermOrderDispatch, Handler: h.step(h.orderSteps(), "", h.orderDispatch)},
		{Method: "POST", Path: "/orders/{id}/grab", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderGrab)},
		{Method: "POST", Path: "/orders/{id}/accept", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderAccept)},
		{Method: "POST", Path: "/orders/{id}/arrive", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderArrive)},
		{Method: "POST", Path: "/orders/{id}/quote", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderQuote)},
		{Method: "POST", Path: "/orders/{id}/confirm", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderConfirm)},
		{Method: "POST", Path: "/orders/{id}/start", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderStart)},
		{Method: "POST", Path: "/orders/{id}/done", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderDone)},
		{Method: "POST", Path: "/orders/{id}/follow-up", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderFollowUp)},
		{Method: "POST", Path: "/orders/{id}/close", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderClose)},
		{Method: "POST", Path: "/orders/{id}/cancel", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderCancel)},
		{Method: "POST", Path: "/orders/{id}/photos", Perm: wubu.PermOrderEdit, Handler: h.step(h.orderSteps(), "", h.orderPhotoAdd), MaxBody: MaxStepForm},
		{Method: "GET", Path: "/orders/{id}/photos/{photo}", Perm: wubu.PermOrderView, Handler: h.orderPhoto},
	}
}

// ordersHome sends technicians to their orders and the others to their
// project's list of orders (admins, who serve every project, to the
// projects).
func (h *Handler) ordersHome(w http.ResponseWriter, r *http.Request) {
	u := wubu.UserFromContext(r.Context())
	switch {
	case u.Post == wubu.PostMaintenance || u.Post == wubu.PostCleaning:
		http.Redirect(w, r, "/my-orders", http.StatusSeeOther)
	case len(u.ProjectIDs) > 0:
		http.Redirect(w, r, fmt.Sprintf("/projects/%d/orders", u.ProjectIDs[0]), http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/projects", http.StatusSeeOther)
	}
}

// orderPage is what order pages share: money, clocks and times shown the
// same way.
type orderPage struct {
	Page
	now time.Time
}

// Yuan formats fen as ¥12.50.
func (p *orderPage) Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, fen/100, fen%100)
}

// YuanInput formats fen for an input field: 12.50.
func (p *orderPage) YuanInput(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// Promise says whether an order's on-site promise was kept, once judged.
func (p *orderPage) Promise(o *wubu.Order) string {
	switch {
	case o.PromiseKept == nil:
		return ""
	case *o.PromiseKept:
		return p.T("Promise kept")
	}
	return p.T("Promise broken")
}

// When formats an optional time, "" for none.
func (p *orderPage) When(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(cst).Format("2006-01-02 15:04")
}

// Minutes formats a duration with its units (Page.Duration).
func (p *orderPage) Minutes(d time.Duration) string { return p.Duration(d) }

// Percent formats a share.
func (p *orderPage) Percent(f float64) string { return fmt.Sprintf("%.1f%%", f) }

// Quantity formats a quantity without needless decimals.
func (p *orderPage) Quantity(q float64) string { return strconv.FormatFloat(q, 'f', -1, 64) }

// withClock makes a page an order page.
func (h *Handler) withClock(p Page) orderPage { return orderPage{Page: p, now: h.Clock.Now()} }

// parseYuan reads an amount in yuan ("12.5") as fen.
func parseYuan(field, s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "¥"))
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 100000 || math.IsNaN(f) {
		return 0, wubu.FieldErrorf(field, wubu.EINVALID, "Write the amount in yuan, such as 12.50.")
	}
	return int64(math.Round(f * 100)), nil
}

// parseQuantity reads a quantity, 1 when empty.
func parseQuantity(field, s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 1, nil
	}
	q, err := strconv.ParseFloat(s, 64)
	if err != nil || q <= 0 || q > 1000 || math.IsNaN(q) {
		return 0, wubu.FieldErrorf(field, wubu.EINVALID, "Each line needs a quantity between 0 and 1000.")
	}
	return q, nil
}

// localTime reads a datetime-local input in China time.
func localTime(field, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, cst)
	if err != nil {
		return nil, wubu.FieldErrorf(field, wubu.EINVALID, "Write the time as 2026-11-27 14:30.")
	}
	t = t.UTC()
	return &t, nil
}

func (h *Handler) orderPhotoAdd(r *http.Request, id int64) (string, error) {
	files, err := server.ReadPhotos(r, "photo", wubu.MaxOrderPhotos)
	if err != nil {
		return "", err
	}
	if len(files) == 0 {
		return "", wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
	}
	for _, f := range files {
		if _, err := h.Orders.AddPhoto(r.Context(), id, f.ContentType, f.Data); err != nil {
			return "", err
		}
	}
	return h.T(r, "Photos added."), nil
}

// orderPhoto serves a photo of an order.
func (h *Handler) orderPhoto(w http.ResponseWriter, r *http.Request) {
	server.PhotoHandler(h.fail, h.Orders.Photo)(w, r)
}
