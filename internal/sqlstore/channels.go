package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// ChannelService implements wubu.ChannelService: residents' linked WeChat,
// staff's WeCom userids, everyone's channel preference and projects' group
// robots (tables person_channels, user_channels, project_channels).
type ChannelService struct {
	db *DB
}

var _ wubu.ChannelService = (*ChannelService)(nil)

// NewChannelService returns the channel links over db.
func NewChannelService(db *DB) *ChannelService { return &ChannelService{db: db} }

// wecomUserID is what WeCom accepts as a userid: 1–64 letters, digits and
// _-.@ characters.
var wecomUserID = regexp.MustCompile(`^[A-Za-z0-9_.@-]{1,64}$`)

// personOf returns a resident's project after checking the caller's
// permission on it and on the card's notification part (CardOptOuts);
// another project's resident answers as a missing one.
func (s *ChannelService) personOf(ctx context.Context, personID int64, p wubu.Permission) (int64, error) {
	if wubu.UserFromContext(ctx) == nil {
		return 0, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	var project int64
	if err := s.db.queryRow(ctx, `SELECT project_id FROM persons WHERE id = ?`, personID).Scan(&project); errors.Is(err, sql.ErrNoRows) {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return 0, err
	}
	u, err := wubu.Authorize(ctx, p, project)
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return 0, err
	}
	// The channels belong to the card's notification part, as opt-outs do.
	if p == wubu.PermResidentEdit {
		if err := u.CheckCardEdit(wubu.CardOptOuts); err != nil {
			return 0, err
		}
	} else if !u.Sees(wubu.CardOptOuts) {
		return 0, wubu.Errorf(wubu.EFORBIDDEN, "You do not have permission to do this.")
	}
	return project, nil
}

// readPersonChannels reads a resident's row (the defaults when none).
func readPersonChannels(row *sql.Row, projectID, personID int64) (*wubu.PersonChannels, string, error) {
	c := &wubu.PersonChannels{ProjectID: projectID, PersonID: personID, Preference: []wubu.Channel{}}
	var openid, pref string
	err := row.Scan(&openid, &c.WeChatLinkedAt, &pref)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", err
	}
	c.WeChatLinked = openid != ""
	if !c.WeChatLinked {
		c.WeChatLinkedAt = nil
	}
	c.Preference, _ = wubu.ParsePreference(pref, wubu.ResidentChannelChoices)
	return c, openid, nil
}

const personChannelsQuery = `SELECT wechat_openid, wechat_linked_at, preference FROM person_channels WHERE project_id = ? AND person_id = ?`

// PersonChannels returns a resident's channels; see wubu.ChannelService.
func (s *ChannelService) PersonChannels(ctx context.Context, personID int64) (*wubu.PersonChannels, error) {
	project, err := s.personOf(ctx, personID, wubu.PermResidentView)
	if err != nil {
		return nil, err
	}
	c, _, err := readPersonChannels(s.db.queryRow(ctx, personChannelsQuery, project, personID), project, personID)
	return c, err
}

// ResidentChannels returns the portal's resident's channels; see
// wubu.ChannelService.
func (s *ChannelService) ResidentChannels(ctx context.Context, projectID, personID int64) (*wubu.PersonChannels, error) {
	if err := s.residentExists(ctx, projectID, personID); err != nil {
		return nil, err
	}
	c, _, err := readPersonChannels(s.db.queryRow(ctx, personChannelsQuery, projectID, personID), projectID, personID)
	return c, err
}

func (s *ChannelService) residentExists(ctx context.Context, projectID, personID int64) error {
	var one int
	if err := s.db.queryRow(ctx, `SELECT 1 FROM persons WHERE project_id = ? AND id = ?`, projectID, personID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return err
	}
	return nil
}

// SetPersonPreference stores a resident's channel order; see
// wubu.ChannelService.
func (s *ChannelService) SetPersonPreference(ctx context.Context, personID int64, pref []wubu.Channel) error {
	project, err := s.personOf(ctx, personID, wubu.PermResidentEdit)
	if err != nil {
		return err
	}
	return s.setPersonPreference(ctx, project, personID, pref, "")
}

// SetResidentPreference stores the portal's resident's channel order; see
// wubu.ChannelService.
func (s *ChannelService) SetResidentPreference(ctx context.Context, projectID, personID int64, pref []wubu.Channel) error {
	if err := s.residentExists(ctx, projectID, personID); err != nil {
		return err
	}
	return s.setPersonPreference(ctx, projectID, personID, pref, residentLogin(personID))
}

// UnlinkResidentWeChat forgets the portal's resident's WeChat; see
// wubu.ChannelService.
func (s *ChannelService) UnlinkResidentWeChat(ctx context.Context, projectID, personID int64) error {
	if err := s.residentExists(ctx, projectID, personID); err != nil {
		return err
	}
	return s.updatePerson(ctx, projectID, personID, residentLogin(personID), func(c *personRow) { c.openid, c.linkedAt = "", nil })
}

// residentLogin names a resident acting in the portal in the audit log.
func residentLogin(personID int64) string { return fmt.Sprintf("resident:%d", personID) }

func (s *ChannelService) setPersonPreference(ctx context.Context, project, personID int64, pref []wubu.Channel, login string) error {
	pref, err := wubu.ParsePreference(wubu.FormatPreference(pref), wubu.ResidentChannelChoices)
	if err != nil {
		return err
	}
	return s.updatePerson(ctx, project, personID, login, func(c *personRow) { c.pref = wubu.FormatPreference(pref) })
}

// personRow is a resident's stored channels.
type personRow struct {
	openid   string
	linkedAt *time.Time
	pref     string
}

// updatePerson changes a resident's row in one audited transaction.
func (s *ChannelService) updatePerson(ctx context.Context, project, personID int64, login string, change func(*personRow)) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var old personRow
	err = tx.queryRow(ctx, personChannelsQuery, project, personID).Scan(&old.openid, &old.linkedAt, &old.pref)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	next := old
	change(&next)
	if next == old {
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO person_channels (project_id, person_id, wechat_openid, wechat_linked_at, preference, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (project_id, person_id) DO UPDATE SET wechat_openid = excluded.wechat_openid, wechat_linked_at = excluded.wechat_linked_at,
		preference = excluded.preference, updated_at = excluded.updated_at`,
		project, personID, next.openid, next.linkedAt, next.pref, tx.now); err != nil {
		return fmt.Errorf("store resident channels: %w", err)
	}
	snap := func(r personRow) map[string]any {
		return map[string]any{"wechat_linked": r.openid != "", "channel_preference": r.pref}
	}
	e, err := auditEntry(project, wubu.ActionUpdate, "person", personID, snap(old), snap(next))
	if err != nil {
		return err
	}
	if login != "" {
		e.Login = login
	}
	if err := tx.writeAudit(ctx, e); err != nil {
		return err
	}
	return tx.Commit()
}

// LinkWeChat records a resident's openid; see wubu.ChannelService.
func (s *ChannelService) LinkWeChat(ctx context.Context, projectID, personID int64, openid string) error {
	openid = strings.TrimSpace(openid)
	if openid == "" || len(openid) > 128 {
		return wubu.Errorf(wubu.EINVALID, "WeChat did not say who you are. Please try again.")
	}
	if err := s.residentExists(ctx, projectID, personID); err != nil {
		return err
	}
	return s.updatePerson(ctx, projectID, personID, residentLogin(personID), func(c *personRow) {
		if c.openid != openid {
			now := s.db.Clock.Now().UTC().Truncate(time.Microsecond)
			c.openid, c.linkedAt = openid, &now
		}
		pref, _ := wubu.ParsePreference(c.pref, wubu.ResidentChannelChoices)
		if len(pref) == 0 || pref[0] != wubu.ChannelWeChat {
			c.pref = wubu.FormatPreference(append([]wubu.Channel{wubu.ChannelWeChat}, without(pref, wubu.ChannelWeChat)...))
			if !strings.Contains(c.pref, "sms") {
				c.pref += ",sms"
			}
		}
	})
}

func without(list []wubu.Channel, c wubu.Channel) []wubu.Channel {
	out := []wubu.Channel{}
	for _, x := range list {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

// UnlinkWeChat forgets a resident's WeChat; see wubu.ChannelService.
func (s *ChannelService) UnlinkWeChat(ctx context.Context, personID int64) error {
	project, err := s.personOf(ctx, personID, wubu.PermResidentEdit)
	if err != nil {
		return err
	}
	return s.updatePerson(ctx, project, personID, "", func(c *personRow) { c.openid, c.linkedAt = "", nil })
}

// staffOf checks the caller may act on a staff member's channels: their
// own with PermSelf, another's with perm.
func (s *ChannelService) staffOf(ctx context.Context, userID int64, perm wubu.Permission) error {
	u, err := wubu.Authorize(ctx, wubu.PermSelf, 0)
	if err != nil {
		return err
	}
	if u.ID != userID {
		if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
			return err
		}
	}
	var one int
	if err := s.db.queryRow(ctx, `SELECT 1 FROM users WHERE id = ?`, userID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return wubu.Errorf(wubu.ENOTFOUND, "Staff member not found.")
	} else if err != nil {
		return err
	}
	return nil
}

// StaffChannels returns a staff member's channels; see wubu.ChannelService.
func (s *ChannelService) StaffChannels(ctx context.Context, userID int64) (*wubu.StaffChannels, error) {
	if err := s.staffOf(ctx, userID, wubu.PermStaffView); err != nil {
		return nil, err
	}
	c := &wubu.StaffChannels{UserID: userID, Preference: []wubu.Channel{}}
	var pref string
	err := s.db.queryRow(ctx, `SELECT wecom_userid, preference FROM user_channels WHERE user_id = ?`, userID).Scan(&c.WeComUserID, &pref)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	c.Preference, _ = wubu.ParsePreference(pref, wubu.StaffChannelChoices)
	return c, nil
}

// SetStaffChannels stores a staff member's channels; see
// wubu.ChannelService.
func (s *ChannelService) SetStaffChannels(ctx context.Context, c wubu.StaffChannels) error {
	if err := s.staffOf(ctx, c.UserID, wubu.PermStaffEdit); err != nil {
		return err
	}
	c.WeComUserID = strings.TrimSpace(c.WeComUserID)
	if c.WeComUserID != "" && !wecomUserID.MatchString(c.WeComUserID) {
		return wubu.FieldErrorf("wecom_userid", wubu.EINVALID, "A WeCom account ID has 1 to 64 letters, digits and _ . @ - only.")
	}
	pref, err := wubu.ParsePreference(wubu.FormatPreference(c.Preference), wubu.StaffChannelChoices)
	if err != nil {
		return err
	}
	if len(pref) > 0 && pref[0] == wubu.ChannelWeCom && c.WeComUserID == "" {
		return wubu.FieldErrorf("wecom_userid", wubu.EINVALID, "Enter your WeCom account ID to receive messages in WeCom.")
	}
	old, err := s.StaffChannels(ctx, c.UserID)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `INSERT INTO user_channels (user_id, wecom_userid, preference, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET wecom_userid = excluded.wecom_userid, preference = excluded.preference, updated_at = excluded.updated_at`,
		c.UserID, c.WeComUserID, wubu.FormatPreference(pref), tx.now); err != nil {
		return fmt.Errorf("store staff channels: %w", err)
	}
	snap := func(id string, p []wubu.Channel) map[string]any {
		return map[string]any{"wecom_userid": id, "channel_preference": wubu.FormatPreference(p)}
	}
	if err := tx.audit(ctx, 0, wubu.ActionUpdate, "user", c.UserID, snap(old.WeComUserID, old.Preference), snap(c.WeComUserID, pref)); err != nil {
		return err
	}
	return tx.Commit()
}

// ProjectChannels returns a project's group robot setting; see
// wubu.ChannelService.
func (s *ChannelService) ProjectChannels(ctx context.Context, projectID int64) (*wubu.ProjectChannels, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return nil, err
	}
	key, err := robotKey(ctx, s.db.queryRow(ctx, `SELECT wecom_robot_key FROM project_channels WHERE project_id = ?`, projectID))
	if err != nil {
		return nil, err
	}
	return &wubu.ProjectChannels{ProjectID: projectID, HasRobot: key != ""}, nil
}

func robotKey(_ context.Context, row *sql.Row) (string, error) {
	var key string
	if err := row.Scan(&key); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	return key, nil
}

// robotKeyPattern is what a group robot's key looks like (a UUID).
var robotKeyPattern = regexp.MustCompile(`^[A-Za-z0-9-]{16,64}$`)

// UpdateProjectChannels stores a project's group robot key; see
// wubu.ChannelService.
func (s *ChannelService) UpdateProjectChannels(ctx context.Context, c wubu.ProjectChannels, clear bool) (*wubu.ProjectChannels, error) {
	if _, err := s.ProjectChannels(ctx, c.ProjectID); err != nil {
		return nil, err
	}
	c.WeComRobotKey = strings.TrimSpace(c.WeComRobotKey)
	// A pasted webhook address gives its key.
	if _, after, ok := strings.Cut(c.WeComRobotKey, "key="); ok {
		c.WeComRobotKey = after
	}
	if c.WeComRobotKey != "" && !robotKeyPattern.MatchString(c.WeComRobotKey) {
		return nil, wubu.FieldErrorf("wecom_robot_key", wubu.EINVALID, "Paste the group robot's webhook address or its key.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := robotKey(ctx, tx.queryRow(ctx, `SELECT wecom_robot_key FROM project_channels WHERE project_id = ?`, c.ProjectID))
	if err != nil {
		return nil, err
	}
	key := c.WeComRobotKey
	if key == "" && !clear {
		key = old
	}
	if key != old {
		if _, err := tx.exec(ctx, `INSERT INTO project_channels (project_id, wecom_robot_key, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (project_id) DO UPDATE SET wecom_robot_key = excluded.wecom_robot_key, updated_at = excluded.updated_at`, c.ProjectID, key, tx.now); err != nil {
			return nil, err
		}
		if err := tx.audit(ctx, c.ProjectID, wubu.ActionUpdate, "project", c.ProjectID, map[string]any{"wecom_robot": old != ""},
			map[string]any{"wecom_robot": key != "", "robot_key_changed": true}); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &wubu.ProjectChannels{ProjectID: c.ProjectID, HasRobot: key != ""}, nil
}

// WeChatUnfollowed forgets an openid that unfollowed the account; see
// wubu.ChannelService.
func (s *ChannelService) WeChatUnfollowed(ctx context.Context, openid string) error {
	if openid == "" {
		return wubu.Errorf(wubu.EINVALID, "WeChat did not say who you are. Please try again.")
	}
	rows, err := s.db.query(ctx, `SELECT project_id, person_id FROM person_channels WHERE wechat_openid = ?`, openid)
	if err != nil {
		return err
	}
	var linked []personKey
	for rows.Next() {
		var k personKey
		if err := rows.Scan(&k.project, &k.person); err != nil {
			rows.Close()
			return err
		}
		linked = append(linked, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range linked {
		if err := s.updatePerson(ctx, k.project, k.person, "wechat", func(c *personRow) {
			if c.openid == openid {
				c.openid, c.linkedAt = "", nil
			}
		}); err != nil {
			return err
		}
	}
	return nil
}
