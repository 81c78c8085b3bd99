package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// Prices up front (M5) and completion with the 1234 rule (M7).

const priceItemColumns = `id, project_id, category, kind, name, unit, price, free, active`

func scanPriceItem(s interface{ Scan(...any) error }) (*wubu.PriceItem, error) {
	it := &wubu.PriceItem{}
	err := s.Scan(&it.ID, &it.ProjectID, &it.Category, &it.Kind, &it.Name, &it.Unit, &it.Price, &it.Free, &it.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Price list entry not found.")
	}
	return it, err
}

func (tx *Tx) findPriceItem(ctx context.Context, projectID, id int64) (*wubu.PriceItem, error) {
	return scanPriceItem(tx.queryRow(ctx, `SELECT `+priceItemColumns+` FROM price_items WHERE project_id = ? AND id = ?`, projectID, id))
}

// PriceList returns a project's price list; all includes inactive entries.
func (s *OrderService) PriceList(ctx context.Context, projectID int64, all bool) ([]*wubu.PriceItem, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	q := `SELECT ` + priceItemColumns + ` FROM price_items WHERE project_id = ?`
	if !all {
		q += ` AND active = ?`
	}
	q += ` ORDER BY category, kind, name`
	args := []any{projectID}
	if !all {
		args = append(args, true)
	}
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.PriceItem{}
	for rows.Next() {
		it, err := scanPriceItem(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// SavePriceItem creates or changes a price list entry.
func (s *OrderService) SavePriceItem(ctx context.Context, it *wubu.PriceItem) error {
	if it.ProjectID <= 0 {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, it.ProjectID); err != nil {
		return err
	}
	it.Name, it.Unit = strings.TrimSpace(it.Name), strings.TrimSpace(it.Unit)
	switch {
	case !it.Category.Valid():
		return wubu.FieldErrorf("category", wubu.EINVALID, "Choose a category.")
	case !it.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose labour or material.")
	case !wubu.ValidName(it.Name, 64):
		return wubu.FieldErrorf("name", wubu.EINVALID, "Give the item a name (at most %d characters).", 64)
	case utf8.RuneCountInString(it.Unit) > 16:
		return wubu.FieldErrorf("unit", wubu.EINVALID, "The unit is too long (at most %d characters).", 16)
	case it.Price < 0 || it.Price > 100_000_00:
		return wubu.FieldErrorf("price", wubu.EINVALID, "The price must be between 0 and 100000 yuan.")
	case it.Free && it.Kind != wubu.PriceLabour:
		return wubu.FieldErrorf("free", wubu.EINVALID, "Only labour can be on the free list.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if it.ID == 0 {
		it.Active = true
		it.ID, err = tx.insert(ctx, `INSERT INTO price_items (project_id, category, kind, name, unit, price, free, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			it.ProjectID, it.Category, it.Kind, it.Name, it.Unit, it.Price, it.Free, it.Active, tx.now)
		if isUniqueViolation(err) {
			return wubu.FieldErrorf("name", wubu.ECONFLICT, "The price list already has %s.", it.Name)
		} else if err != nil {
			return err
		}
		if err := tx.audit(ctx, it.ProjectID, wubu.ActionCreate, "price_item", it.ID, nil, it); err != nil {
			return err
		}
		return tx.Commit()
	}
	old, err := tx.findPriceItem(ctx, it.ProjectID, it.ID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE price_items SET category = ?, kind = ?, name = ?, unit = ?, price = ?, free = ?, active = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
		it.Category, it.Kind, it.Name, it.Unit, it.Price, it.Free, it.Active, tx.now, it.ProjectID, it.ID); isUniqueViolation(err) {
		return wubu.FieldErrorf("name", wubu.ECONFLICT, "The price list already has %s.", it.Name)
	} else if err != nil {
		return err
	}
	if err := tx.audit(ctx, it.ProjectID, wubu.ActionUpdate, "price_item", it.ID, old, it); err != nil {
		return err
	}
	return tx.Commit()
}

// priceLines turns a quote request into lines priced from the list.
func (tx *Tx) priceLines(ctx context.Context, o *wubu.Order, req wubu.QuoteRequest) ([]*wubu.QuoteLine, error) {
	if len(req.Lines) > 50 {
		return nil, wubu.FieldErrorf("lines", wubu.EINVALID, "A quote has at most %d lines.", 50)
	}
	var out []*wubu.QuoteLine
	for _, r := range req.Lines {
		if r.Quantity <= 0 || r.Quantity > 1000 || math.IsNaN(r.Quantity) {
			return nil, wubu.FieldErrorf("lines", wubu.EINVALID, "Each line needs a quantity between 0 and 1000.")
		}
		l := &wubu.QuoteLine{Quantity: r.Quantity}
		if r.PriceItemID != nil {
			it, err := tx.findPriceItem(ctx, o.ProjectID, *r.PriceItemID)
			if err != nil || !it.Active {
				return nil, wubu.FieldErrorf("lines", wubu.EINVALID, "A line names an entry that is not on the price list.")
			}
			l.PriceItemID, l.Kind, l.Name, l.UnitPrice = &it.ID, it.Kind, it.Name, it.Price
		} else {
			// A material bought for the job, named on the spot.
			name := strings.TrimSpace(r.Name)
			if !wubu.ValidName(name, 64) {
				return nil, wubu.FieldErrorf("lines", wubu.EINVALID, "Name each material not on the price list.")
			}
			if r.UnitPrice < 0 || r.UnitPrice > 100_000_00 {
				return nil, wubu.FieldErrorf("lines", wubu.EINVALID, "The price must be between 0 and 100000 yuan.")
			}
			l.Kind, l.Name, l.UnitPrice = wubu.PriceMaterial, name, r.UnitPrice
		}
		l.Amount = int64(math.Round(l.Quantity * float64(l.UnitPrice)))
		out = append(out, l)
	}
	return out, nil
}

// sums returns the labour and material totals of lines.
func sums(lines []*wubu.QuoteLine) (labour, materials int64) {
	for _, l := range lines {
		if l.Kind == wubu.PriceLabour {
			labour += l.Amount
		} else {
			materials += l.Amount
		}
	}
	return labour, materials
}

// sameLines reports whether two bills have the same lines.
func sameLines(a, b []*wubu.QuoteLine) bool {
	return slices.EqualFunc(a, b, func(x, y *wubu.QuoteLine) bool {
		return x.Kind == y.Kind && x.Name == y.Name && x.Quantity == y.Quantity && x.UnitPrice == y.UnitPrice && x.Amount == y.Amount
	})
}

// writeLines replaces an order's lines of a phase ("quote" or "final").
func (tx *Tx) writeLines(ctx context.Context, o *wubu.Order, phase string, lines []*wubu.QuoteLine) error {
	if _, err := tx.exec(ctx, `DELETE FROM order_lines WHERE project_id = ? AND order_id = ? AND phase = ?`, o.ProjectID, o.ID, phase); err != nil {
		return err
	}
	for i, l := range lines {
		if _, err := tx.exec(ctx, `INSERT INTO order_lines (project_id, order_id, phase, position, price_item_id, kind, name, quantity, unit_price, amount)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ProjectID, o.ID, phase, i, l.PriceItemID, l.Kind, l.Name, l.Quantity, l.UnitPrice, l.Amount); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) readLines(ctx context.Context, o *wubu.Order, phase string) ([]*wubu.QuoteLine, error) {
	rows, err := tx.query(ctx, `SELECT price_item_id, kind, name, quantity, unit_price, amount FROM order_lines
		WHERE project_id = ? AND order_id = ? AND phase = ? ORDER BY position`, o.ProjectID, o.ID, phase)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.QuoteLine
	for rows.Next() {
		l := &wubu.QuoteLine{}
		if err := rows.Scan(&l.PriceItemID, &l.Kind, &l.Name, &l.Quantity, &l.UnitPrice, &l.Amount); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Quote records the price breakdown shown to the resident; a new quote
// needs a new confirmation.
func (s *OrderService) Quote(ctx context.Context, id int64, req wubu.QuoteRequest) (*wubu.Order, error) {
	o, err := runStep(ctx, s.runner(), orders, id, string(wubu.ActQuote), func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		lines, err := tx.priceLines(ctx, o, req)
		if err != nil {
			return "", err
		}
		if err := tx.writeLines(ctx, o, "quote", lines); err != nil {
			return "", err
		}
		o.QuoteLabour, o.QuoteMaterials = sums(lines)
		o.QuotedAt, o.ConfirmedAt, o.ConfirmedBy, o.ConfirmMethod = at(tx.now), nil, "", ""
		return yuan(o.QuoteTotal()), nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// yuan formats fen as "¥12.50".
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + "¥" + itoa(fen/100) + "." + string(rune('0'+fen%100/10)) + string(rune('0'+fen%10))
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Confirm records the resident's agreement to the quote at the door.
func (s *OrderService) Confirm(ctx context.Context, id int64, req wubu.ConfirmRequest) (*wubu.Order, error) {
	by := strings.TrimSpace(req.By)
	switch {
	case !wubu.ValidName(by, 32):
		return nil, wubu.FieldErrorf("by", wubu.EINVALID, "Write who confirmed the quote.")
	case !slices.Contains(wubu.ConfirmMethods, req.Method):
		return nil, wubu.FieldErrorf("method", wubu.EINVALID, "Choose how the resident confirmed.")
	}
	o, err := runStep(ctx, s.runner(), orders, id, string(wubu.ActConfirm), func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		o.ConfirmedAt, o.ConfirmedBy, o.ConfirmMethod = at(tx.now), by, req.Method
		// The method is on the order (ConfirmMethod), shown translated;
		// the event's note, shown as it is, names who and how much.
		return by + " " + yuan(o.QuoteTotal()), nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindOrder(ctx, o.ID)
}

// Done completes an order with the 1234 checklist. The bill is the quote
// unless a final bill with a reason is given; labour is waived when the
// job was done within the free minutes of arrival and its item is on the
// free list; "anything else?" opens linked orders.
func (s *OrderService) Done(ctx context.Context, id int64, req wubu.DoneRequest) (*wubu.Order, []*wubu.Order, error) {
	for _, item := range wubu.ChecklistItems {
		if !*req.Checklist.Ticked(item) {
			return nil, nil, wubu.FieldErrorf(item, wubu.EINVALID, "Tick every item of the 1234 checklist before completing the order.")
		}
	}
	reason := strings.TrimSpace(req.Reason)
	if utf8.RuneCountInString(reason) > 500 {
		return nil, nil, wubu.FieldErrorf("reason", wubu.EINVALID, "The reason is too long (at most %d characters).", 500)
	}
	if len(req.Others) > 10 {
		return nil, nil, wubu.FieldErrorf("others", wubu.EINVALID, "At most %d further jobs at once.", 10)
	}
	var others []*wubu.Order
	o, err := runStep(ctx, s.runner(), orders, id, string(wubu.ActDone), func(ctx context.Context, tx *Tx, o *wubu.Order, u *wubu.User) (string, error) {
		// The bill: the quote, or what the earlier completion billed for
		// a rework, unless a different final bill comes with a reason.
		base, err := tx.readLines(ctx, o, "quote")
		if err != nil {
			return "", err
		}
		if o.Reopens > 0 {
			if base, err = tx.readLines(ctx, o, "final"); err != nil {
				return "", err
			}
		}
		final := base
		if req.Final != nil {
			if final, err = tx.priceLines(ctx, o, *req.Final); err != nil {
				return "", err
			}
			if !sameLines(base, final) && reason == "" {
				return "", wubu.FieldErrorf("reason", wubu.EINVALID, "The bill differs from the quote: give the reason.")
			}
		}
		if err := tx.writeLines(ctx, o, "final", final); err != nil {
			return "", err
		}
		o.FinalLabour, o.FinalMaterials = sums(final)
		if sameLines(base, final) {
			reason = ""
		}
		o.FinalReason = reason
		// 一免: done within the free minutes of arrival, on the free list.
		set, err := tx.orderSettings(ctx, o.ProjectID)
		if err != nil {
			return "", err
		}
		o.LabourWaived = false
		if o.ItemID != nil && o.ArrivedAt != nil && tx.now.Sub(*o.ArrivedAt) <= time.Duration(set.FreeMinutes)*time.Minute {
			if it, err := tx.findPriceItem(ctx, o.ProjectID, *o.ItemID); err == nil && it.Free {
				o.LabourWaived, o.FinalLabour = true, 0
			}
		}
		// The photo of the finished work, when the project asks for one:
		// sent with the completion, or taken since work started.
		if req.Photo != nil {
			n, err := countPhotos(ctx, tx, o.ProjectID, "order", o.ID)
			if err != nil {
				return "", err
			}
			if n >= wubu.MaxOrderPhotos {
				return "", wubu.FieldErrorf("done_photo", wubu.EINVALID, "An order has at most %d photos.", wubu.MaxOrderPhotos)
			}
			if err := addPhoto(ctx, tx, o.ProjectID, "order", o.ID, wubu.PhotoDone, req.Photo); err != nil {
				return "", err
			}
		}
		if set.DonePhoto {
			since := o.ReportedAt
			if o.StartedAt != nil {
				since = *o.StartedAt
			}
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM photos WHERE project_id = ? AND object_type = 'order' AND object_id = ? AND created_at >= ?`,
				o.ProjectID, o.ID, since).Scan(&n); err != nil {
				return "", err
			}
			if n == 0 {
				return "", wubu.FieldErrorf("done_photo", wubu.EINVALID, "Take a photo of the finished work: this project asks for one to complete an order.")
			}
		}
		cl := req.Checklist
		cl.OnTime = o.PromiseKept == nil || *o.PromiseKept
		o.Checklist = &cl
		o.DoneAt = at(tx.now)
		o.FollowUpDue = at(tx.now.AddDate(0, 0, set.FollowUpDays))
		// 三要: "anything else?" — the further jobs, opened on the spot.
		for i := range req.Others {
			n := req.Others[i]
			n.ProjectID, n.ParentID, n.Source = o.ProjectID, &o.ID, wubu.SourceLinked
			if n.PersonID == nil && n.RoomID == nil {
				n.PersonID, n.RoomID = o.PersonID, o.RoomID
			}
			if n.Category == "" {
				n.Category = o.Category
			}
			if n.Urgency == "" {
				n.Urgency = wubu.OrderNormal
			}
			other, err := s.createOrder(ctx, tx, &n)
			if err != nil {
				if e := wubu.AsError(err); e != nil && e.Field != "" {
					e.Field = "others." + e.Field
				}
				return "", err
			}
			others = append(others, other)
		}
		note := yuan(o.FinalTotal())
		if reason != "" {
			note += ": " + reason
		}
		return note, nil
	})
	if err != nil {
		return nil, nil, err
	}
	done, err := s.FindOrder(ctx, o.ID)
	return done, others, err
}
