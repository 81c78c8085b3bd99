package web

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"

	"github.com/wubu-oss/wubu"
)

// A message key has one meaning: a place in the menu ("Start page", 首页)
// is not an action ("Start", 开始), an action on a button or link is not a
// value in a list ("Open", 查看, is not "not yet closed"). The roles a key
// plays are read from where it is used — a place (a menu item), an action
// (a button), a choice (an option of a select) — and a key playing two
// fails. Links styled as buttons are left out: they name the place or the
// form they open, either of which is right.
var (
	meaningButton = regexp.MustCompile(`<button[^>]*>\s*(?:\{\{if[^}]*\}\})?\{\{\$?\.T "([^"]+)"\}\}`)
	meaningOption = regexp.MustCompile(`<option[^>]*>\{\{\$?\.T "([^"]+)"\}\}</option>`)
)

func TestOneMeaningPerKey(t *testing.T) {
	roles := map[string]map[string][]string{} // key → role → where
	use := func(key, role, where string) {
		if roles[key] == nil {
			roles[key] = map[string][]string{}
		}
		if !slices.Contains(roles[key][role], where) {
			roles[key][role] = append(roles[key][role], where)
		}
	}
	// The menu's items, for every role and post.
	for _, r := range []wubu.Role{wubu.RoleStaff, wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin} {
		for _, p := range wubu.Posts {
			for _, it := range navFor(&wubu.User{Role: r, Post: p}, "/") {
				use(it.Label, "place", "navFor")
			}
		}
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range meaningButton.FindAllStringSubmatch(string(b), -1) {
			use(m[1], "action", name)
		}
		for _, m := range meaningOption.FindAllStringSubmatch(string(b), -1) {
			use(m[1], "choice", name)
		}
	}
	if len(roles) < 30 {
		t.Fatalf("found only %d keys: the scan is broken", len(roles))
	}
	for key, rs := range roles {
		if len(rs) > 1 {
			t.Errorf("message %q has more than one meaning: %v; give each its own key", key, rs)
		}
	}
}
