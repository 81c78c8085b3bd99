package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/secret"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// The commands of the tests seal ID numbers with the fixed test key
// unless the environment names one: no key file is made in the working
// directory. TestKeyFileAndRotation unsets it to use a key file.
func init() {
	if os.Getenv(secret.EnvVar) == "" {
		os.Setenv(secret.EnvVar, secret.Encode(secret.TestKey))
	}
}

// TestIDNumbersAtRestFormAPIImport creates residents through the form, the
// API and an imported file, on both databases: no column of any table (nor
// the SQLite file) holds their ID numbers in clear, the card shows them
// masked, the reveal in full, and the same number again is refused.
func TestIDNumbersAtRestFormAPIImport(t *testing.T) {
	const byForm, byAPI, byImport = "440305198001011235", "440305199002152341", "11010519491231002X"
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(app.adminCtx(), wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "3", Units: 2, Floors: 33, PerFloor: 4}); err != nil {
				t.Fatal(err)
			}
			app.User(t, "mgr", wubu.RoleManager, wubu.PostNone, app.ProjectA)
			br := app.webLogin(t, "mgr")
			residents := "/projects/" + itoa(app.ProjectA.ID) + "/residents"
			if resp, body := br.post(residents, url.Values{"room": {"3-1-102"}, "relation": {"owner"}, "name": {"陈一"}, "id_number": {byForm}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("form: got %d %s", resp.StatusCode, body)
			}
			api := app.apiLogin(t, "mgr")
			rooms, _, _ := sqlstore.NewOrgService(app.DB).FindRooms(app.adminCtx(), wubu.RoomFilter{ProjectID: app.ProjectA.ID})
			var created wubu.Resident
			if status := api.do("POST", "/api/v1"+residents, map[string]any{"name": "林三", "id_number": byAPI, "room_id": rooms[5].ID, "relation": "owner"}, &created); status != 201 || created.IDNumber != "4403**********2341" {
				t.Fatalf("API: got %d %+v", status, created)
			}
			if resp, body := br.postFile(residents+"/import", "住户.xlsx", residentList(t, []any{"3-1-101", "张三", "13812345678", strings.ToLower(byImport), "业主", ""}), nil); resp.StatusCode != 200 || !strings.Contains(body, "新增 1 位住户") {
				t.Fatalf("import: got %d", resp.StatusCode)
			}
			wubutest.NoClearIDs(t, app.DB, byForm, byAPI, byImport)

			var rv struct{ Values []string }
			if status := api.do("POST", "/api/v1/residents/"+itoa(created.ID)+"/reveal", map[string]string{"field": "id_number"}, &rv); status != 200 || len(rv.Values) != 1 || rv.Values[0] != byAPI {
				t.Fatalf("reveal: got %d %v", status, rv)
			}
			var e apiError
			if status := api.do("POST", "/api/v1"+residents, map[string]any{"name": "林四", "id_number": byAPI, "room_id": rooms[6].ID, "relation": "owner"}, &e); status != http.StatusConflict || e.Error.Field != "id_number" {
				t.Fatalf("the same ID number again: got %d %+v", status, e)
			}
			// The import matched by ID number: the same file again changes nothing.
			if resp, body := br.postFile(residents+"/import", "住户.xlsx", residentList(t, []any{"3-1-101", "张三", "13812345678", byImport, "业主", ""}), nil); resp.StatusCode != 200 || !strings.Contains(body, "新增 0 位住户") {
				t.Fatalf("import again: got %d", resp.StatusCode)
			}
		})
	}
}

// TestSecretKeyMalformed refuses a malformed WUBU_SECRET_KEY at start,
// saying what is wrong, and touches nothing.
func TestSecretKeyMalformed(t *testing.T) {
	for key, want := range map[string]string{
		"not a key!":                   "the key is neither base64 nor hex",
		secret.Encode([]byte("short")): "the key is 5 bytes, not 32",
	} {
		t.Setenv(secret.EnvVar, key)
		dsn := filepath.Join(t.TempDir(), "wubu.db")
		_, errs, code := cli(t, dsn, "", "migrate")
		if code == 0 || !strings.Contains(errs, secret.EnvVar+": "+want) {
			t.Errorf("%q: got %d %q, want %q", key, code, errs, want)
		}
	}
}

// TestRestoreNeedsKey restores a backup on both databases: without a key,
// or with another key, restore refuses, says how to supply the key, and
// leaves the target empty; with the key it restores.
func TestRestoreNeedsKey(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			dsn := wubutest.NewDSN(t, d)
			if _, errs, code := cli(t, dsn, "", "project", "add", "ljy", "丽景苑"); code != 0 {
				t.Fatal(errs)
			}
			file := filepath.Join(t.TempDir(), "wubu.backup")
			if _, errs, code := cli(t, dsn, "", "backup", file); code != 0 {
				t.Fatal(errs)
			}
			keyID := secret.ForTests().CurrentID()
			target := filepath.Join(t.TempDir(), "restored", "wubu.db")
			if d == sqlstore.Postgres {
				db, err := sqlstore.Open(dsn)
				if err != nil {
					t.Fatal(err)
				}
				emptySchema(t, db, dsn)
				db.Close()
				target = dsn
			}
			other := secret.Encode(secret.Generate())
			for name, env := range map[string]string{"NoKey": "", "OtherKey": other} {
				t.Run(name, func(t *testing.T) {
					t.Setenv(secret.EnvVar, env)
					_, errs, code := cli(t, target, "", "restore", "--data", t.TempDir(), file)
					if code != 2 || !strings.Contains(errs, "restore refused: the residents' ID numbers are sealed with key "+keyID) ||
						!strings.Contains(errs, "set "+secret.EnvVar) || !strings.Contains(errs, secret.FileName) {
						t.Fatalf("got %d %q", code, errs)
					}
				})
			}
			if _, err := os.Stat(target); d == sqlstore.SQLite && err == nil {
				t.Fatal("a refused restore wrote the target")
			}
			if out, errs, code := cli(t, target, "", "restore", file); code != 0 {
				t.Fatalf("with the key: %d %s %s", code, out, errs)
			}
			if _, errs, code := cli(t, target, "", "migrate"); code != 0 {
				t.Fatalf("serve the restored database: %s", errs)
			}
		})
	}
}

// TestKeyFileAndRotation runs without WUBU_SECRET_KEY: the first start
// makes the key file (mode 0600) in the data directory; "wubu keys rotate"
// puts a new key first, keeps the old one, and seals every ID number again
// with the new one; a backup restores only where the key file is put.
func TestKeyFileAndRotation(t *testing.T) {
	t.Setenv(secret.EnvVar, "")
	dir := t.TempDir()
	if _, errs, code := cli(t, "", "", "project", "add", "--data", dir, "ljy", "丽景苑"); code != 0 {
		t.Fatal(errs)
	}
	keyFile := filepath.Join(dir, secret.FileName)
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v, want mode 0600", fi, err)
	}
	keys, _, err := secret.Load(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(filepath.Join(dir, "wubu.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.KeyDir = dir
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx := systemContext(t.Context())
	projects, _ := sqlstore.NewProjectService(db).FindProjects(ctx)
	p := &wubu.Person{ProjectID: projects[0].ID, Name: "陈一", IDNumber: "440305198001011235"}
	if err := sqlstore.NewResidentService(db).CreatePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, errs, code := cli(t, "", "", "keys", "rotate", "--data", dir)
	if code != 0 || !strings.Contains(out, "1 ID numbers sealed again") {
		t.Fatalf("rotate: %d %s %s", code, out, errs)
	}
	rotated, _, err := secret.Load(dir, false)
	if err != nil || len(rotated.IDs()) != 2 || rotated.IDs()[1] != keys.CurrentID() {
		t.Fatalf("key file after rotation: %v %v, want a new key before %s", rotated.IDs(), err, keys.CurrentID())
	}
	db, err = sqlstore.Open(filepath.Join(dir, "wubu.db"))
	if err != nil {
		t.Fatal(err)
	}
	var sealed string
	db.SQL().QueryRow(`SELECT id_number FROM persons`).Scan(&sealed)
	db.Close()
	if secret.KeyID(sealed) != rotated.CurrentID() {
		t.Fatalf("sealed with %s, want the new key %s", secret.KeyID(sealed), rotated.CurrentID())
	}
	out, _, _ = cli(t, "", "", "keys", "status", "--data", dir)
	if !strings.Contains(out, "Keys of "+keyFile+" (current first): "+rotated.CurrentID()+", "+keys.CurrentID()) ||
		!strings.Contains(out, rotated.CurrentID()+"         1 values, recorded (at hand)") || strings.Contains(out, keys.CurrentID()+" ") {
		t.Errorf("status:\n%s", out)
	}
	if _, errs, code := cli(t, "", "", "keys", "rotate"); code != 2 || !strings.Contains(errs, "no key") {
		t.Fatalf("rotate without a key file: %d %s", code, errs)
	}

	file := filepath.Join(t.TempDir(), "wubu.backup")
	if _, errs, code := cli(t, "", "", "backup", "--data", dir, file); code != 0 {
		t.Fatal(errs)
	}
	target := t.TempDir()
	if _, errs, code := cli(t, "", "", "restore", "--data", target, file); code != 2 || !strings.Contains(errs, "sealed with key "+rotated.CurrentID()) {
		t.Fatalf("restore without the key file: %d %s", code, errs)
	}
	b, _ := os.ReadFile(keyFile)
	os.WriteFile(filepath.Join(target, secret.FileName), b, 0o600)
	if _, errs, code := cli(t, "", "", "restore", "--data", target, file); code != 0 {
		t.Fatalf("restore with the key file: %s", errs)
	}
}
