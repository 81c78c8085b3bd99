package main

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/seed"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestBrowserChannelsPhone: on a 360 px phone, in Chinese, a technician
// enters their WeCom account and chooses WeCom first; the manager opens
// the project's WeChat and WeCom page. Neither page breaks on the phone.
func TestBrowserChannelsPhone(t *testing.T) {
	ctx := wubutest.NewBrowserSize(t, 360, 800)
	a := newDemoApp(t)
	check := func(page string) {
		if bad := wubutest.Get(t, ctx, "check "+page, chromedp.Evaluate[[]string](phoneCheck)); len(bad) > 0 {
			t.Errorf("%s on a phone: %v", page, bad)
		}
	}
	browserSignIn(t, ctx, a, "tech")
	wubutest.Step(t, ctx, "my channels",
		chromedp.Navigate(a.URL+"/account"),
		chromedp.Click(chromedp.CSS(`a[href="/account/channels"]`)),
		chromedp.WaitVisible(chromedp.ID("wecom_userid")),
		chromedp.SendKeys(chromedp.ID("wecom_userid"), "HuangLei"),
		chromedp.SetValue(chromedp.ID("first"), "wecom"),
		chromedp.SetValue(chromedp.ID("then"), "sms"),
	)
	check("/account/channels")
	wubutest.Screenshot(t, ctx, "channels-account-phone")
	wubutest.Step(t, ctx, "save", chromedp.Click(chromedp.CSS(`form[action="/account/channels"] button`)), chromedp.WaitVisible(chromedp.CSS(".alert.ok")))
	flash := wubutest.Get(t, ctx, "flash", chromedp.Text(chromedp.CSS(".alert.ok")))
	value := wubutest.Get(t, ctx, "value", chromedp.Value(chromedp.ID("wecom_userid")))
	if !strings.Contains(flash, "通知渠道已保存") || value != "HuangLei" {
		t.Errorf("after saving: flash %q, userid %q", flash, value)
	}

	wubutest.Step(t, ctx, "sign out", chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login")))
	browserSignIn(t, ctx, a, "manager")
	var project int64
	if err := a.Main.DB.SQL().QueryRowContext(t.Context(), `SELECT id FROM projects WHERE code = 'LJY'`).Scan(&project); err != nil {
		t.Fatal(err)
	}
	page := "/projects/" + strconv.FormatInt(project, 10) + "/channels"
	wubutest.Step(t, ctx, "project channels", chromedp.Navigate(a.URL+page), chromedp.WaitVisible(chromedp.ID("wecom_robot_key")))
	check(page)
	wubutest.Screenshot(t, ctx, "channels-project-phone")
	if s := wubutest.Get(t, ctx, "status", chromedp.Text(chromedp.ID("wechat-status"))); s != "未配置" {
		t.Errorf("WeChat status: %q", s)
	}

	// The demo resident's notifications page in the portal.
	wubutest.Step(t, ctx, "portal sign-in", chromedp.Navigate(a.URL+"/my/login"), chromedp.WaitVisible(chromedp.ID("phone")),
		chromedp.SendKeys(chromedp.ID("phone"), seed.DemoResidentPhone), chromedp.Click(chromedp.ID("send-code")), chromedp.WaitVisible(chromedp.ID("code")))
	ms, _, err := a.Main.Outbox.FindMessages(wubu.NewContextWithUser(t.Context(), &wubu.User{Role: wubu.RoleAdmin}), project,
		wubu.MessageFilter{Kind: "portal_code", Recipient: seed.DemoResidentPhone, Limit: 1})
	if err != nil || len(ms) == 0 {
		t.Fatalf("no code: %v", err)
	}
	wubutest.Step(t, ctx, "portal code", chromedp.SendKeys(chromedp.ID("code"), ms[0].Vars["code"]), chromedp.Click(chromedp.ID("verify-code")),
		chromedp.WaitVisible(chromedp.ID("portal-notifications")), chromedp.Click(chromedp.ID("portal-notifications")),
		chromedp.WaitVisible(chromedp.ID("portal-channels-form")))
	check("/my/notifications")
	wubutest.Screenshot(t, ctx, "channels-portal-phone")
	if s := wubutest.Get(t, ctx, "wechat", chromedp.Text(chromedp.ID("wechat-link"))); !strings.Contains(s, "服务中心尚未开通微信消息") {
		t.Errorf("portal WeChat box: %q", s)
	}
}

// browserSignIn signs a demo login in through the sign-in form.
func browserSignIn(t *testing.T, ctx context.Context, a *testApp, login string) {
	t.Helper()
	wubutest.Step(t, ctx, "sign in as "+login,
		chromedp.Navigate(a.URL+"/login"),
		chromedp.WaitVisible(chromedp.ID("login")),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), seed.Password),
		chromedp.Click(chromedp.ID("submit")),
		chromedp.WaitVisible(chromedp.CSS("nav.main")),
	)
}
