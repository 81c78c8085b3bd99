package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/wubu-oss/wubu"
)

// HousekeepingService implements wubu.HousekeepingService: the catalogue,
// the booking rules and roster, promotion weeks, bookings and needs.
type HousekeepingService struct {
	db  *DB
	run *runner
}

// NewHousekeepingService returns a housekeeping service over db.
func NewHousekeepingService(db *DB) *HousekeepingService {
	return &HousekeepingService{db: db, run: newRunner(db, nil, nil)}
}

var _ wubu.HousekeepingService = (*HousekeepingService)(nil)

const serviceCols = `id, project_id, category, name, unit, price_fen, duration_min, active`

func scanService(s interface{ Scan(...any) error }) (*wubu.HomeService, error) {
	hs := &wubu.HomeService{}
	err := s.Scan(&hs.ID, &hs.ProjectID, &hs.Category, &hs.Name, &hs.Unit, &hs.PriceFen, &hs.DurationMin, &hs.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.FieldErrorf("service_id", wubu.ENOTFOUND, "Service not found.")
	}
	return hs, err
}

// FindServices lists a project's catalogue with today's promotion prices.
func (s *HousekeepingService) FindServices(ctx context.Context, projectID int64, all bool) ([]*wubu.HomeService, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return s.services(ctx, projectID, all)
}

// services lists a project's catalogue with today's promotion prices, for
// a caller already authorized.
func (s *HousekeepingService) services(ctx context.Context, projectID int64, all bool) ([]*wubu.HomeService, error) {
	q := `SELECT ` + serviceCols + ` FROM hk_services WHERE project_id = ?`
	if !all {
		q += ` AND active = ?`
	}
	args := []any{projectID}
	if !all {
		args = append(args, true)
	}
	rows, err := s.db.query(ctx, q+` ORDER BY category, name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.HomeService{}
	for rows.Next() {
		hs, err := scanService(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, hs)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	today := hkToday(s.db.now())
	for _, hs := range out {
		if price, _, ok, err := promoPrice(ctx, s.db.reader(), s.db, projectID, hs.ID, today); err != nil {
			return nil, err
		} else if ok {
			hs.PromoPriceFen = &price
		}
	}
	return out, nil
}

// FindService returns a catalogue entry.
func (s *HousekeepingService) FindService(ctx context.Context, id int64) (*wubu.HomeService, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, 0); err != nil {
		return nil, err
	}
	hs, err := scanService(s.db.queryRow(ctx, `SELECT `+serviceCols+` FROM hk_services WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, hs.ProjectID); err != nil {
		return nil, wubu.FieldErrorf("service_id", wubu.ENOTFOUND, "Service not found.")
	}
	return hs, nil
}

// promoPrice returns the lowest promotion price of a service on a date.
func promoPrice(ctx context.Context, q rowQuerier, db *DB, projectID, serviceID int64, date string) (int64, int64, bool, error) {
	var price, promo int64
	err := q.QueryRowContext(ctx, db.rebind(`SELECT pp.price_fen, p.id FROM hk_promotion_prices pp
		JOIN hk_promotions p ON p.project_id = pp.project_id AND p.id = pp.promotion_id
		WHERE pp.project_id = ? AND pp.service_id = ? AND p.starts_on <= ? AND p.ends_on >= ?
		ORDER BY pp.price_fen, p.id LIMIT 1`), projectID, serviceID, date, date).Scan(&price, &promo)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, false, nil
	}
	return price, promo, err == nil, err
}

// SaveService creates or changes a catalogue entry.
func (s *HousekeepingService) SaveService(ctx context.Context, hs *wubu.HomeService) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, hs.ProjectID); err != nil {
		return err
	}
	hs.Name, hs.Unit = strings.TrimSpace(hs.Name), strings.TrimSpace(hs.Unit)
	if !hs.Category.Valid() {
		return wubu.FieldErrorf("category", wubu.EINVALID, "Service category %q is not valid.", string(hs.Category))
	}
	if !wubu.ValidName(hs.Name, 32) {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Service name is required and must be at most %d characters.", 32)
	}
	if !wubu.ValidName(hs.Unit, 8) {
		return wubu.FieldErrorf("unit", wubu.EINVALID, "Unit is required and must be at most %d characters.", 8)
	}
	if hs.PriceFen < 0 || hs.PriceFen > 10_000_000 {
		return wubu.FieldErrorf("price", wubu.EINVALID, "Price must be between 0 and 100,000 yuan.")
	}
	if hs.DurationMin < 10 || hs.DurationMin > 8*60 {
		return wubu.FieldErrorf("duration_min", wubu.EINVALID, "Duration must be between %d and %d minutes.", 10, 480)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if hs.ID == 0 {
		hs.ID, err = tx.insert(ctx, `INSERT INTO hk_services (project_id, category, name, unit, price_fen, duration_min, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			hs.ProjectID, hs.Category, hs.Name, hs.Unit, hs.PriceFen, hs.DurationMin, hs.Active, tx.now, tx.now)
		if isUniqueViolation(err) {
			return wubu.FieldErrorf("name", wubu.ECONFLICT, "The catalogue already has a service named %s.", hs.Name)
		} else if err != nil {
			return err
		}
		if err := tx.audit(ctx, hs.ProjectID, wubu.ActionCreate, "home_service", hs.ID, nil, hs); err != nil {
			return err
		}
		return tx.Commit()
	}
	before, err := scanService(tx.queryRow(ctx, `SELECT `+serviceCols+` FROM hk_services WHERE project_id = ? AND id = ?`, hs.ProjectID, hs.ID))
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `UPDATE hk_services SET category = ?, name = ?, unit = ?, price_fen = ?, duration_min = ?, active = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
		hs.Category, hs.Name, hs.Unit, hs.PriceFen, hs.DurationMin, hs.Active, tx.now, hs.ProjectID, hs.ID)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("name", wubu.ECONFLICT, "The catalogue already has a service named %s.", hs.Name)
	} else if err != nil {
		return err
	}
	if err := tx.audit(ctx, hs.ProjectID, wubu.ActionUpdate, "home_service", hs.ID, before, hs); err != nil {
		return err
	}
	return tx.Commit()
}

// Settings returns a project's booking rules and roster.
func (s *HousekeepingService) Settings(ctx context.Context, projectID int64) (*wubu.HousekeepingSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return loadSettings(ctx, s.db.reader(), s.db, projectID)
}

func loadSettings(ctx context.Context, q rowQuerier, db *DB, projectID int64) (*wubu.HousekeepingSettings, error) {
	st := wubu.DefaultHousekeepingSettings(projectID)
	err := q.QueryRowContext(ctx, db.rebind(`SELECT slot_minutes, day_start, day_end, per_cleaner FROM hk_settings WHERE project_id = ?`), projectID).
		Scan(&st.SlotMinutes, &st.DayStart, &st.DayEnd, &st.PerCleaner)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT user_id FROM hk_cleaners WHERE project_id = ? ORDER BY user_id`), projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		st.Cleaners = append(st.Cleaners, id)
	}
	return st, rows.Err()
}

// SaveSettings sets a project's booking rules and roster.
func (s *HousekeepingService) SaveSettings(ctx context.Context, st *wubu.HousekeepingSettings) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, st.ProjectID); err != nil {
		return err
	}
	switch {
	case st.SlotMinutes < 30 || st.SlotMinutes > 480 || st.SlotMinutes%30 != 0:
		return wubu.FieldErrorf("slot_minutes", wubu.EINVALID, "A slot lasts 30 minutes to 8 hours, in steps of 30 minutes.")
	case st.DayStart < 0 || st.DayEnd > 24*60 || st.DayStart >= st.DayEnd:
		return wubu.FieldErrorf("day_start", wubu.EINVALID, "The working day must start before it ends.")
	case (st.DayEnd-st.DayStart)%st.SlotMinutes != 0:
		return wubu.FieldErrorf("slot_minutes", wubu.EINVALID, "The working day must divide into whole slots.")
	case st.PerCleaner < 1 || st.PerCleaner > 10:
		return wubu.FieldErrorf("per_cleaner", wubu.EINVALID, "Each cleaner takes %d to %d bookings per slot.", 1, 10)
	}
	var cleaners []int64
	for _, id := range st.Cleaners {
		if !slices.Contains(cleaners, id) {
			cleaners = append(cleaners, id)
		}
	}
	slices.Sort(cleaners)
	st.Cleaners = cleaners
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range cleaners {
		if err := hkStaffOfProject(ctx, tx, st.ProjectID, id, "cleaners"); err != nil {
			return err
		}
	}
	before, err := loadSettings(ctx, tx, s.db, st.ProjectID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO hk_settings (project_id, slot_minutes, day_start, day_end, per_cleaner, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET slot_minutes = excluded.slot_minutes, day_start = excluded.day_start, day_end = excluded.day_end,
		per_cleaner = excluded.per_cleaner, updated_at = excluded.updated_at`,
		st.ProjectID, st.SlotMinutes, st.DayStart, st.DayEnd, st.PerCleaner, tx.now); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM hk_cleaners WHERE project_id = ?`, st.ProjectID); err != nil {
		return err
	}
	for _, id := range cleaners {
		if _, err := tx.exec(ctx, `INSERT INTO hk_cleaners (project_id, user_id) VALUES (?, ?)`, st.ProjectID, id); err != nil {
			return err
		}
	}
	if err := tx.audit(ctx, st.ProjectID, wubu.ActionUpdate, "housekeeping_settings", st.ProjectID, before, st); err != nil {
		return err
	}
	return tx.Commit()
}

// FindPromotions lists a project's promotions, newest first.
func (s *HousekeepingService) FindPromotions(ctx context.Context, projectID int64) ([]*wubu.Promotion, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, project_id, name, starts_on, ends_on, created_at FROM hk_promotions WHERE project_id = ? ORDER BY starts_on DESC, id DESC LIMIT 100`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Promotion{}
	byID := map[int64]*wubu.Promotion{}
	for rows.Next() {
		p := &wubu.Promotion{Prices: []wubu.PromotionPrice{}}
		if err := rows.Scan(&p.ID, &p.ProjectID, &p.Name, &p.StartsOn, &p.EndsOn, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
		byID[p.ID] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	prices, err := s.db.query(ctx, `SELECT pp.promotion_id, pp.service_id, s.name, pp.price_fen FROM hk_promotion_prices pp
		JOIN hk_services s ON s.project_id = pp.project_id AND s.id = pp.service_id WHERE pp.project_id = ? ORDER BY s.name`, projectID)
	if err != nil {
		return nil, err
	}
	defer prices.Close()
	for prices.Next() {
		var pid int64
		var pp wubu.PromotionPrice
		if err := prices.Scan(&pid, &pp.ServiceID, &pp.ServiceName, &pp.PriceFen); err != nil {
			return nil, err
		}
		if p := byID[pid]; p != nil {
			p.Prices = append(p.Prices, pp)
		}
	}
	return out, prices.Err()
}

// CreatePromotion creates a promotion week.
func (s *HousekeepingService) CreatePromotion(ctx context.Context, p *wubu.Promotion) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, p.ProjectID); err != nil {
		return err
	}
	p.Name = strings.TrimSpace(p.Name)
	if !wubu.ValidName(p.Name, 64) {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Promotion name is required and must be at most %d characters.", 64)
	}
	if err := hkValidPeriod(p.StartsOn, p.EndsOn, 31); err != nil {
		return err
	}
	if len(p.Prices) == 0 {
		return wubu.FieldErrorf("prices", wubu.EINVALID, "Give at least one service a promotion price.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	seen := map[int64]bool{}
	for i := range p.Prices {
		pp := &p.Prices[i]
		if seen[pp.ServiceID] {
			return wubu.FieldErrorf("prices", wubu.EINVALID, "Each service may have one promotion price.")
		}
		seen[pp.ServiceID] = true
		hs, err := scanService(tx.queryRow(ctx, `SELECT `+serviceCols+` FROM hk_services WHERE project_id = ? AND id = ?`, p.ProjectID, pp.ServiceID))
		if err != nil {
			return wubu.FieldErrorf("prices", wubu.ENOTFOUND, "Service not found.")
		}
		if pp.PriceFen < 0 || pp.PriceFen >= hs.PriceFen {
			return wubu.FieldErrorf("prices", wubu.EINVALID, "The promotion price of %s must be below its catalogue price.", hs.Name)
		}
		pp.ServiceName = hs.Name
	}
	p.CreatedAt = tx.now
	var uid *int64
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		uid = &u.ID
	}
	if p.ID, err = tx.insert(ctx, `INSERT INTO hk_promotions (project_id, name, starts_on, ends_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		p.ProjectID, p.Name, p.StartsOn, p.EndsOn, uid, tx.now); err != nil {
		return err
	}
	for _, pp := range p.Prices {
		if _, err := tx.exec(ctx, `INSERT INTO hk_promotion_prices (project_id, promotion_id, service_id, price_fen) VALUES (?, ?, ?, ?)`,
			p.ProjectID, p.ID, pp.ServiceID, pp.PriceFen); err != nil {
			return err
		}
	}
	if err := tx.audit(ctx, p.ProjectID, wubu.ActionCreate, "promotion", p.ID, nil, p); err != nil {
		return err
	}
	return tx.Commit()
}

// hkRetryable reports whether a transaction failed only because it collided
// with another (a PostgreSQL deadlock or serialization failure) and may be
// run again.
func hkRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40P01" || pe.Code == "40001")
}

// hkWithRetry runs fn, again up to twice when it collided with another
// transaction.
func hkWithRetry(fn func() error) error {
	var err error
	for range 3 {
		if err = fn(); !hkRetryable(err) {
			return err
		}
	}
	return err
}

// Needs returns the needs on a person's profile, newest first.
func (s *HousekeepingService) Needs(ctx context.Context, personID int64) ([]*wubu.Need, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, 0); err != nil {
		return nil, err
	}
	var pid int64
	if err := s.db.queryRow(ctx, `SELECT project_id FROM persons WHERE id = ?`, personID).Scan(&pid); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, pid); err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	}
	rows, err := s.db.query(ctx, `SELECT n.id, n.project_id, n.person_id, n.text, n.source, n.booking_id, n.user_id, COALESCE(u.name, ''), n.created_at
		FROM person_needs n LEFT JOIN users u ON u.id = n.user_id WHERE n.project_id = ? AND n.person_id = ? ORDER BY n.created_at DESC, n.id DESC LIMIT 200`, pid, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Need{}
	for rows.Next() {
		n := &wubu.Need{}
		if err := rows.Scan(&n.ID, &n.ProjectID, &n.PersonID, &n.Text, &n.Source, &n.BookingID, &n.UserID, &n.UserName, &n.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// validNeed checks the text of a need.
func validNeed(field, text string) (string, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 200 {
		return "", wubu.FieldErrorf(field, wubu.EINVALID, "Write the need in at most %d characters.", 200)
	}
	return text, nil
}

// addNeed notes a need on a person's profile and timeline.
func addNeed(ctx context.Context, tx *Tx, n *wubu.Need) (err error) {
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		n.UserID = &u.ID
	}
	n.CreatedAt = tx.now
	if n.ID, err = tx.insert(ctx, `INSERT INTO person_needs (project_id, person_id, text, source, booking_id, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		n.ProjectID, n.PersonID, n.Text, n.Source, n.BookingID, n.UserID, n.CreatedAt); err != nil {
		return err
	}
	if err := addTimeline(ctx, tx, n.ProjectID, n.PersonID, "need.noted", n.Text); err != nil {
		return err
	}
	return tx.audit(ctx, n.ProjectID, wubu.ActionCreate, "need", n.ID, nil, n)
}

// AddNeed notes a need on a person's profile by hand.
func (s *HousekeepingService) AddNeed(ctx context.Context, personID int64, text string) (*wubu.Need, error) {
	text, err := validNeed("text", text)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderEdit, 0); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var pid int64
	if err := tx.queryRow(ctx, `SELECT project_id FROM persons WHERE id = ?`, personID).Scan(&pid); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderEdit, pid); err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	}
	n := &wubu.Need{ProjectID: pid, PersonID: personID, Text: text, Source: "manual"}
	if err := addNeed(ctx, tx, n); err != nil {
		return nil, err
	}
	return n, tx.Commit()
}
