package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
)

// Recipient resolution over the channels people prefer (issue 15 item 4).
// A notification without a channel of its own goes, for a resident, on the
// first channel of their preference they can be reached on (WeChat once
// linked, else SMS); for a staff member, to their inbox and, when they
// prefer another channel they can be reached on (WeCom with a userid, SMS
// with a phone, e-mail with an address), a copy there too, its dedup key
// the inbox message's with "/<channel>" appended. When the message is
// claimed, a WeChat message to a resident who unlinked meanwhile falls back
// to SMS if their preference lists it.

type personKey struct{ project, person int64 }

// channelPrefs are the channels chosen for recipients: a resident's
// channel, a staff member's extra channel ("" for the default).
type channelPrefs struct {
	person map[personKey]wubu.Channel
	staff  map[int64]wubu.Channel
}

// preferredChannels looks up the preferences of the recipients of the
// notifications whose channel is theirs to choose.
func (tx *Tx) preferredChannels(ctx context.Context, ns []wubu.Notification, auto []bool, roles map[projRoleKey][]int64) (channelPrefs, error) {
	out := channelPrefs{person: map[personKey]wubu.Channel{}, staff: map[int64]wubu.Channel{}}
	persons := map[int64][]any{}
	seenPerson := map[personKey]bool{}
	var users []any
	seenUser := map[int64]bool{}
	addUser := func(id int64) {
		if !seenUser[id] {
			seenUser[id] = true
			users = append(users, id)
		}
	}
	for i, n := range ns {
		if !auto[i] {
			continue
		}
		switch {
		case n.To.PersonID != 0:
			k := personKey{n.ProjectID, n.To.PersonID}
			if !seenPerson[k] {
				seenPerson[k] = true
				persons[n.ProjectID] = append(persons[n.ProjectID], n.To.PersonID)
			}
		case n.To.UserID != 0:
			addUser(n.To.UserID)
		case n.To.Role != "":
			for _, id := range roles[projRoleKey{n.ProjectID, n.To.Role, n.To.Post}] {
				addUser(id)
			}
		}
	}
	for project, ids := range persons {
		for len(ids) > 0 {
			batch := ids[:min(len(ids), 500)]
			ids = ids[len(batch):]
			rows, err := tx.query(ctx, `SELECT person_id, wechat_openid, preference FROM person_channels WHERE project_id = ? AND preference <> '' AND person_id IN (`+
				placeholders(len(batch))+`)`, append([]any{project}, batch...)...)
			if err != nil {
				return out, fmt.Errorf("channel preferences: %w", err)
			}
			for rows.Next() {
				var id int64
				var openid, pref string
				if err := rows.Scan(&id, &openid, &pref); err != nil {
					rows.Close()
					return out, err
				}
				out.person[personKey{project, id}] = firstReachable(pref, map[wubu.Channel]bool{wubu.ChannelWeChat: openid != "", wubu.ChannelSMS: true})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return out, err
			}
		}
	}
	for len(users) > 0 {
		batch := users[:min(len(users), 500)]
		users = users[len(batch):]
		rows, err := tx.query(ctx, `SELECT c.user_id, c.wecom_userid, c.preference, u.phone, u.email FROM user_channels c JOIN users u ON u.id = c.user_id
			WHERE c.preference <> '' AND c.user_id IN (`+placeholders(len(batch))+`)`, batch...)
		if err != nil {
			return out, fmt.Errorf("channel preferences: %w", err)
		}
		for rows.Next() {
			var id int64
			var wecom, pref, phone, email string
			if err := rows.Scan(&id, &wecom, &pref, &phone, &email); err != nil {
				rows.Close()
				return out, err
			}
			ch := firstReachable(pref, map[wubu.Channel]bool{wubu.ChannelWeCom: wecom != "", wubu.ChannelSMS: phone != "", wubu.ChannelEmail: email != "", wubu.ChannelInbox: true})
			if ch != wubu.ChannelInbox {
				out.staff[id] = ch
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// firstReachable returns the first channel of a preference the recipient
// can be reached on, "" for none.
func firstReachable(pref string, reachable map[wubu.Channel]bool) wubu.Channel {
	for _, c := range strings.Split(pref, ",") {
		if reachable[wubu.Channel(c)] {
			return wubu.Channel(c)
		}
	}
	return ""
}

// channelAddresses are the WeChat and WeCom addresses of claimed messages.
type channelAddresses struct {
	openid    map[personKey]string
	smsBackup map[personKey]bool // SMS is in the resident's preference
	wecom     map[int64]string
	robot     map[int64]string // project → group robot key
}

// channelAddresses looks up what the claimed WeChat and WeCom messages need.
func (tx *Tx) channelAddresses(ctx context.Context, msgs []*wubu.Message) (channelAddresses, error) {
	out := channelAddresses{openid: map[personKey]string{}, smsBackup: map[personKey]bool{}, wecom: map[int64]string{}, robot: map[int64]string{}}
	for _, m := range msgs {
		switch {
		case m.Channel == wubu.ChannelWeChat && m.PersonID != nil:
			k := personKey{m.ProjectID, *m.PersonID}
			if _, ok := out.openid[k]; ok {
				continue
			}
			var openid, pref string
			if err := tx.queryRow(ctx, `SELECT wechat_openid, preference FROM person_channels WHERE project_id = ? AND person_id = ?`, k.project, k.person).
				Scan(&openid, &pref); err != nil && !isNoRows(err) {
				return out, err
			}
			out.openid[k] = openid
			out.smsBackup[k] = strings.Contains(","+pref+",", ",sms,")
		case m.Channel == wubu.ChannelWeCom && m.UserID != nil:
			if _, ok := out.wecom[*m.UserID]; ok {
				continue
			}
			var id string
			if err := tx.queryRow(ctx, `SELECT wecom_userid FROM user_channels WHERE user_id = ?`, *m.UserID).Scan(&id); err != nil && !isNoRows(err) {
				return out, err
			}
			out.wecom[*m.UserID] = id
		case m.Channel == wubu.ChannelWeCom && m.Address == "":
			if _, ok := out.robot[m.ProjectID]; ok {
				continue
			}
			key, err := robotKey(ctx, tx.queryRow(ctx, `SELECT wecom_robot_key FROM project_channels WHERE project_id = ?`, m.ProjectID))
			if err != nil {
				return out, err
			}
			out.robot[m.ProjectID] = key
		}
	}
	return out, nil
}

// resolve fills a claimed WeChat or WeCom message's address; it reports
// whether a WeChat message falls back to SMS (the resident unlinked and
// listed SMS), the caller then sending it to phone.
func (a channelAddresses) resolve(m *wubu.Message, o *notify.Outgoing, phone string) (fallback bool) {
	switch {
	case m.Channel == wubu.ChannelWeChat && m.PersonID != nil && o.Address == "":
		k := personKey{m.ProjectID, *m.PersonID}
		o.Address = a.openid[k]
		if o.Address == "" && a.smsBackup[k] && phone != "" {
			o.Channel, o.Address = wubu.ChannelSMS, phone
			return true
		}
	case m.Channel == wubu.ChannelWeCom && m.UserID != nil && o.Address == "":
		o.Address = a.wecom[*m.UserID]
	case m.Channel == wubu.ChannelWeCom && m.UserID == nil && m.Address == "":
		if key := a.robot[m.ProjectID]; key != "" {
			o.Address, o.RobotKey = notify.WeComRobotAddress, key
		}
	}
	return false
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
