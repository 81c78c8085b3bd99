package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// lookupCardExprs returns the SQL expressions of a person's lookup card
// (first phone, plates, homes with the relation), computed from the tables
// the triggers of migration 00012 watch, for the person of the row named
// persons. They must agree with the triggers.
func (db *DB) lookupCardExprs() (phone, plates, homes string) {
	agg, ch := "group_concat", "char"
	if db.Dialect == Postgres {
		agg, ch = "string_agg", "chr"
	}
	phone = `COALESCE((SELECT ph.phone FROM person_phones ph WHERE ph.project_id = persons.project_id AND ph.person_id = persons.id AND ph.position = 0), '')`
	plates = `COALESCE((SELECT ` + agg + `(v.plate, ` + ch + `(31) ORDER BY v.id) FROM vehicles v WHERE v.project_id = persons.project_id AND v.person_id = persons.id), '')`
	homes = `COALESCE((SELECT ` + agg + `(r.label || ` + ch + `(30) || h.relation, ` + ch + `(31) ORDER BY h.move_out, r.label)
		FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = persons.project_id AND h.person_id = persons.id), '')`
	return phone, plates, homes
}

// lookupCardsSQL returns the statement that fills every person's lookup
// card (add a WHERE to fill some): for writes of many rows, which pause
// the triggers and fill the cards once at the end.
func (db *DB) lookupCardsSQL() string {
	phone, plates, homes := db.lookupCardExprs()
	return `UPDATE persons SET card_phone = ` + phone + `, card_plates = ` + plates + `, card_homes = ` + homes
}

// StaleLookupCards counts the persons whose lookup card disagrees with
// their phones, plates and homes: 0 unless a write bypassed the cards.
func (db *DB) StaleLookupCards(ctx context.Context) (int, error) {
	phone, plates, homes := db.lookupCardExprs()
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM persons WHERE card_phone <> `+phone+` OR card_plates <> `+plates+` OR card_homes <> `+homes).Scan(&n)
	return n, err
}

// cardTables are the tables whose triggers keep the lookup cards.
var cardTables = []string{"person_phones", "vehicles", "households"}

// execQuerier is what both a connection and a transaction offer.
type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// dropSQLiteObjects drops the SQLite schema objects of a type ("index",
// "trigger") on the tables, those whose names contain like if it is not
// empty (automatic indexes, which have no SQL, are kept), and returns the
// statements that make them again.
func dropSQLiteObjects(ctx context.Context, c execQuerier, typ string, tables []string, like string) ([]string, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL AND tbl_name IN ('` + strings.Join(tables, "','") + `')`
	args := []any{typ}
	if like != "" {
		q += ` AND name LIKE ?`
		args = append(args, "%"+like+"%")
	}
	rows, err := c.QueryContext(ctx, q+` ORDER BY name`, args...)
	if err != nil {
		return nil, fmt.Errorf("%ss: %w", typ, err)
	}
	var names, creates []string
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			rows.Close()
			return nil, err
		}
		names, creates = append(names, name), append(creates, create)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := c.ExecContext(ctx, `DROP `+strings.ToUpper(typ)+` `+name); err != nil {
			return nil, fmt.Errorf("drop %s %s: %w", typ, name, err)
		}
	}
	return creates, nil
}

// pauseCardTriggers stops the triggers that keep the lookup cards, for a
// write of many rows that fills the cards itself: drops them on SQLite
// (returning the statements that make them again), disables them on
// PostgreSQL.
func pauseCardTriggers(ctx context.Context, c execQuerier, dialect string) ([]string, error) {
	if dialect == Postgres {
		for _, t := range cardTables {
			if _, err := c.ExecContext(ctx, `ALTER TABLE `+t+` DISABLE TRIGGER `+t+`_card`); err != nil {
				return nil, fmt.Errorf("pause lookup cards: %w", err)
			}
		}
		return nil, nil
	}
	return dropSQLiteObjects(ctx, c, "trigger", cardTables, "card")
}

// resumeCardTriggers undoes pauseCardTriggers.
func resumeCardTriggers(ctx context.Context, c execQuerier, dialect string, creates []string) error {
	if dialect == Postgres {
		for _, t := range cardTables {
			if _, err := c.ExecContext(ctx, `ALTER TABLE `+t+` ENABLE TRIGGER `+t+`_card`); err != nil {
				return fmt.Errorf("resume lookup cards: %w", err)
			}
		}
	}
	for _, create := range creates {
		if _, err := c.ExecContext(ctx, create); err != nil {
			return fmt.Errorf("resume lookup cards: %w", err)
		}
	}
	return nil
}

// pauseCards stops, until resume, the triggers that keep the lookup cards,
// for a write of many rows in one transaction (an import): resume makes
// them work again and fills the cards of the persons the write touched,
// once each, instead of once per row. On SQLite the triggers are dropped
// and made again inside the transaction (SQLite's schema changes are
// transactional: no other connection ever sees them missing); on
// PostgreSQL they are disabled and enabled again, which keeps other
// writers off those three tables until the commit.
func (tx *Tx) pauseCards(ctx context.Context) (resume func(ctx context.Context, projectID int64, persons []int64) error, err error) {
	creates, err := pauseCardTriggers(ctx, tx.Tx, tx.db.Dialect)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, projectID int64, persons []int64) error {
		if err := resumeCardTriggers(ctx, tx.Tx, tx.db.Dialect, creates); err != nil {
			return err
		}
		fill := tx.db.lookupCardsSQL()
		for start := 0; start < len(persons); start += 500 {
			chunk := persons[start:min(start+500, len(persons))]
			if _, err := tx.exec(ctx, fill+` WHERE project_id = ? AND id IN (`+placeholders(len(chunk))+`)`,
				append([]any{projectID}, int64Args(chunk)...)...); err != nil {
				return fmt.Errorf("fill lookup cards: %w", err)
			}
		}
		return nil
	}, nil
}
