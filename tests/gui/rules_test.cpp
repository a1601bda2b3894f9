// Per-layer rules in the GUI: the list round-trips to arrowquant-cli arguments (through a real
// shell and the CLI's own option parser), its order decides which rule wins in the plan, the layer
// table's context menu adds rules and the plan column follows, the list is saved with the
// settings, and a pattern the engine cannot compile is refused with a message naming it.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QProcess>
#include <QSettings>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include "args.h"
#include "gui_fixtures.h"
#include "job/job.h"
#include "quantize_options.h"
#include "test_support.h"
#include "ui/app/launch_options.h"
#include "ui/main_window.h"
#include "ui/model/layer_filter_proxy.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/layer_table_view.h"
#include "ui/rules/layer_rule_menu.h"
#include "ui/rules/rule_dialog.h"
#include "ui/rules/rule_editor.h"
#include "ui/rules/rule_list_model.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/run_settings.h"
#include "ui/settings/settings_panel.h"

using namespace aqui;

namespace {

// The words a POSIX shell makes of `command_line` (printf prints each argument NUL-terminated).
QStringList shellWords(const QString& commandLine) {
  QProcess sh;
  sh.start("/bin/sh", {"-c", "printf '%s\\0' " + commandLine});
  if (!sh.waitForFinished(10000) || sh.exitCode() != 0) return {"<shell failed>"};
  QStringList words = QString::fromUtf8(sh.readAllStandardOutput()).split(QChar('\0'));
  words.removeLast();  // after the last NUL
  return words;
}

// The rules arrowquant-cli's option parser makes of `words`, or the parser's complaint.
std::vector<aq::UserRule> cliRules(const QStringList& words, QString& error) {
  std::vector<std::string> storage = {"arrowquant-cli"};
  for (const auto& w : words) storage.push_back(w.toStdString());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  aqcli::Args args(int(argv.size()), argv.data(), 1);
  aq::JobConfig config;
  if (auto e = aqcli::parse_quantize_options(args, config)) error = QString::fromStdString(*e);
  const auto left = args.positionals();  // every word must have been an option's
  if (!left.empty() || !args.ok()) error += QString(" left over: %1 %2").arg(left.size()).arg(QString::fromStdString(args.error()));
  return config.plan.rules;
}

int rowOf(const LayerTableModel* m, const std::string& name) {
  for (int i = 0; i < m->rowCount(); ++i)
    if (m->rowAt(i).info.name == name) return i;
  return -1;
}

QString planOf(const MainWindow& w, const std::string& name) {
  const int row = rowOf(guitest::part<aqui::LayerTableModel>(w), name);
  return row < 0 ? QString("<no row %1>").arg(QString::fromStdString(name))
                 : guitest::part<aqui::LayerTableModel>(w)->index(row, LayerTableModel::PlanCol).data().toString();
}

QAction* actionNamed(QMenu* menu, const QString& name) {
  for (QAction* a : menu->actions())
    if (a->objectName() == name) return a;
  return nullptr;
}

}  // namespace

class RulesTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;
  QString model_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    guitest::writeSmallDit(dir_ / "dit.safetensors");
    model_ = QString::fromStdString((dir_ / "dit.safetensors").string());
  }

  void cliArgumentsRoundTrip() {
    RuleListModel m;
    m.setGgufOutput(true);
    const std::vector<std::pair<QString, QString>> rules = {
        {R"(^blocks\.0\.attn\.qkv\.weight$)", "keep"},
        {R"(it's a "quoted" name)", "8:32"},
        {"a b  c", "4:channel"},
        {R"((foo|bar)[0-9]+\.w$)", "3"},
        {"-starts-with-a-dash", "keep"},
        {"--bits", "keep"},                // an option's name as a pattern
        {"x=y", "2:128"},                  // '=' inside the pattern
        {R"($HOME `id` \\ ; & | * ?)", "keep"},  // shell metacharacters, a regex escape
        {R"(ü.*\.bias)", "q6_k"},
        {"attn", "8"},
    };
    for (const auto& [pattern, value] : rules) QVERIFY2(m.insertRule(m.count(), pattern, value).isEmpty(), qPrintable(pattern));
    QCOMPARE(m.count(), int(rules.size()));

    const QString text = m.cliArguments();
    QVERIFY(text.startsWith("--keep "));
    QString error;
    const auto back = cliRules(shellWords(text), error);
    QVERIFY2(error.isEmpty(), qPrintable(error + " in: " + text));
    QCOMPARE(int(back.size()), m.count());
    for (std::size_t i = 0; i < back.size(); ++i) {
      const auto& a = m.rules()[i];
      const auto& b = back[i];
      QCOMPARE(QString::fromStdString(b.pattern), QString::fromStdString(a.pattern));
      QCOMPARE(QString::fromStdString(b.pattern), rules[i].first);
      QCOMPARE(b.keep, a.keep);
      QCOMPARE(b.bits, a.bits);
      QCOMPARE(b.group_size, a.group_size);
      QCOMPARE(b.ggml_type, a.ggml_type);
    }
    QVERIFY(back[2].group_size == 0 && back[2].bits == 4);
    QVERIFY(back[8].ggml_type >= 0);

    // The saved form reads back to the same list too.
    RuleListModel again;
    again.setSpecs(m.specs());
    QCOMPARE(again.specs(), m.specs());
    QCOMPARE(again.cliArguments(), text);
  }

  void copyButtonPutsTheArgumentsOnTheClipboard() {
    RuleEditor editor;
    QVERIFY(editor.addRules({R"(^blocks\.1\.mlp\.fc2\.weight$)"}, "keep").isEmpty());
    QVERIFY(editor.addRules({"mlp fc"}, "8:channel").isEmpty());
    const QString args = editor.copyCliArguments();
    QCOMPARE(args, QString(R"(--rule 'mlp fc=8:channel' --keep '^blocks\.1\.mlp\.fc2\.weight$')"));
    QCOMPARE(QApplication::clipboard()->text(), args);
  }

  void invalidRegexIsRefusedNamingIt() {
    RuleListModel m;
    QVERIFY(m.insertRule(0, "fc1", "keep").isEmpty());
    const QString why = m.insertRule(0, "blocks.(0", "8");
    QVERIFY2(why.contains("blocks.(0") && why.contains("regular expression"), qPrintable(why));
    QCOMPARE(m.count(), 1);
    QVERIFY(!m.replaceRule(0, "[unclosed", "keep").isEmpty());
    QCOMPARE(QString::fromStdString(m.rules()[0].pattern), QString("fc1"));

    // The dialog stays open and says why.
    RuleDialog dialog({}, false, [&](const QString& p, const QString& v) { return m.insertRule(0, p, v); });
    dialog.setPattern("attn(");
    dialog.setKind(RuleDialog::Kind::Keep);
    QVERIFY(!dialog.tryAccept());
    QVERIFY2(dialog.errorText().contains("attn("), qPrintable(dialog.errorText()));
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QCOMPARE(m.count(), 1);
    dialog.setPattern(R"(attn\()");
    QVERIFY(dialog.tryAccept());
    QCOMPARE(m.count(), 2);

    // From the layer table, a refused selection adds nothing.
    RuleEditor editor;
    QVERIFY(!editor.addRules({"ok", "bad["}, "keep").isEmpty());
    QCOMPARE(editor.model()->count(), 0);
  }

  void settingsKeepTheList() {
    RunSettings r;
    r.rules = {R"(^x_embedder\.proj\.weight$=keep)", "attn=8:32", "fc2=4:channel", "a b=2"};
    AppSettings::setRunSettings(r);
    QCOMPARE(AppSettings::runSettings().rules, r.rules);
    QCOMPARE(AppSettings::runSettings(), r);

    // The dock shows them and gives them back; the plan gets them in the engine's type.
    SettingsPanel panel;
    panel.setSettings(r);
    QCOMPARE(panel.settings().rules, r.rules);
    const auto options = panel.settings().planOptions();
    QCOMPARE(int(options.rules.size()), 4);
    QCOMPARE(options.rules[1].bits, 8);
    QCOMPARE(options.rules[1].group_size, 32);
    QVERIFY(options.rules[0].keep);
    QCOMPARE(int(panel.settings().jobConfig("/tmp/in.safetensors").plan.rules.size()), 4);

    // A hand-edited settings file with a broken rule loses that rule only.
    {
      QSettings s;
      s.setValue("run/rules", QStringList{"ok=8", "bad(=keep", "fine=keep"});
    }
    QCOMPARE(AppSettings::runSettings().rules, (QStringList{"ok=8", "fine=keep"}));
  }

  void launchOptionTakesRulesInOrder() {
    LaunchOptions o;
    QString message;
    QCOMPARE(parseLaunchOptions({"arrowquant", "--rule", "attn=8:32", "--rule", "final_layer=keep"}, o, message),
             ParseOutcome::Run);
    QCOMPARE(o.rules, (QStringList{"attn=8:32", "final_layer=keep"}));
    QCOMPARE(parseLaunchOptions({"arrowquant", "--rule", "bad(=keep"}, o, message), ParseOutcome::Error);
    QVERIFY2(message.contains("bad("), qPrintable(message));
  }

  void reorderChangesWhichRuleWins() {
    AppSettings::setRunSettings(RunSettings{});
    MainWindow w;
    QVERIFY(guitest::openAndWait(w, model_));
    RuleEditor* editor = w.settingsPanel()->rules();
    QVERIFY(editor->model()->insertRule(0, R"(blocks\.0\.)", "8:32").isEmpty());
    QVERIFY(editor->model()->insertRule(1, "attn", "2:32").isEmpty());
    QCOMPARE(planOf(w, "blocks.0.attn.qkv.weight"), QString("INT8 g32 · user rule"));
    QCOMPARE(planOf(w, "blocks.1.attn.qkv.weight"), QString("INT2 g32 · user rule"));
    QCOMPARE(planOf(w, "blocks.0.mlp.fc1.weight"), QString("INT8 g32 · user rule"));

    QVERIFY(editor->model()->moveRule(1, 0));
    QCOMPARE(planOf(w, "blocks.0.attn.qkv.weight"), QString("INT2 g32 · user rule"));
    QCOMPARE(planOf(w, "blocks.0.mlp.fc1.weight"), QString("INT8 g32 · user rule"));
    const int row = rowOf(guitest::part<aqui::LayerTableModel>(w), "blocks.0.attn.qkv.weight");
    const QString tip = guitest::part<aqui::LayerTableModel>(w)->index(row, LayerTableModel::PlanCol).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains("user rule 'attn'"), qPrintable(tip));
    // The run gets the same order.
    const auto config = w.settingsPanel()->settings().jobConfig(model_);
    QCOMPARE(QString::fromStdString(config.plan.rules.front().pattern), QString("attn"));

    editor->model()->clear();
    QCOMPARE(planOf(w, "blocks.0.attn.qkv.weight"), QString("INT4 g64"));
  }

  void contextMenuOnASelectionAddsRules() {
    AppSettings::setRunSettings(RunSettings{});
    MainWindow w;
    QVERIFY(guitest::openAndWait(w, model_));
    auto* menuMaker = w.findChild<LayerRuleMenu*>();
    QVERIFY(menuMaker);
    LayerTableView* view = guitest::part<aqui::LayerTableView>(w);
    QCOMPARE(planOf(w, "blocks.0.mlp.fc1.weight"), QString("INT4 g64"));
    QCOMPARE(planOf(w, "blocks.1.attn.proj.weight"), QString("INT4 g64"));

    auto select = [&](const std::vector<std::string>& names) {
      view->table()->clearSelection();
      for (const auto& n : names) {
        const QModelIndex p = view->proxy()->mapFromSource(guitest::part<aqui::LayerTableModel>(w)->index(rowOf(guitest::part<aqui::LayerTableModel>(w), n), 0));
        view->table()->selectionModel()->select(p, QItemSelectionModel::Select | QItemSelectionModel::Rows);
      }
    };
    select({"blocks.1.attn.proj.weight", "blocks.0.mlp.fc1.weight"});
    QCOMPARE(menuMaker->selectionPatterns(),
             (QStringList{R"(^blocks\.0\.mlp\.fc1\.weight$)", R"(^blocks\.1\.attn\.proj\.weight$)"}));
    std::unique_ptr<QMenu> menu(menuMaker->createMenu());
    QVERIFY(!actionNamed(menu.get(), "ruleType"));  // not a GGUF output
    QAction* keep = actionNamed(menu.get(), "ruleKeep");
    QVERIFY(keep);
    keep->trigger();
    QCOMPARE(w.settingsPanel()->rules()->model()->count(), 2);
    for (const auto* name : {"blocks.0.mlp.fc1.weight", "blocks.1.attn.proj.weight"}) {
      const QString plan = planOf(w, name);
      QVERIFY2(plan.startsWith("float: user rule: keep '^blocks"), qPrintable(plan));
    }
    QCOMPARE(planOf(w, "blocks.0.mlp.fc2.weight"), QString("INT4 g64"));  // exact names: only those two
    QCOMPARE(AppSettings::runSettings().rules.size(), 2);                  // saved at once

    // "Set bits / group…" asks in a dialog; the rule goes on top and wins over the keep rule.
    select({"blocks.0.mlp.fc1.weight"});
    menu.reset(menuMaker->createMenu());
    QTimer::singleShot(0, [] {
      auto* dialog = qobject_cast<RuleDialog*>(QApplication::activeModalWidget());
      QVERIFY(dialog);
      dialog->findChild<QComboBox*>("ruleBits")->setCurrentIndex(dialog->findChild<QComboBox*>("ruleBits")->findData(8));
      auto* group = dialog->findChild<QComboBox*>("ruleGroup");
      group->setCurrentIndex(group->findData(0));
      QCOMPARE(dialog->value(), QString("8:channel"));
      QVERIFY(dialog->tryAccept());
    });
    actionNamed(menu.get(), "ruleBits")->trigger();
    QCOMPARE(planOf(w, "blocks.0.mlp.fc1.weight"), QString("INT8 channel · user rule"));
    QCOMPARE(w.settingsPanel()->rules()->model()->count(), 2);  // replaced its keep rule

    // The filter box makes one rule from its text, for every name containing it.
    view->filterEdit()->setText("fc2");
    QCOMPARE(menuMaker->filterPattern(), QString("fc2"));
    QCOMPARE(menuMaker->matchCount("fc2"), 4);  // two weights, two biases
    menu.reset(menuMaker->createMenu());
    auto* sub = menu->findChild<QMenu*>("filterRuleMenu");
    QVERIFY(sub);
    QVERIFY2(sub->title().contains("4 tensors"), qPrintable(sub->title()));
    actionNamed(sub, "ruleKeep")->trigger();
    QCOMPARE(planOf(w, "blocks.1.mlp.fc2.weight"), QString("float: user rule: keep 'fc2'"));
    view->filterEdit()->setText("blocks.0.");  // escaped: '.' is not "any character"
    QCOMPARE(menuMaker->filterPattern(), QString(R"(blocks\.0\.)"));

    // With a GGUF output the menu offers ggml types.
    RunSettings gguf = w.settingsPanel()->settings();
    gguf.format = OutputFormat::Gguf;
    w.settingsPanel()->setSettings(gguf);
    select({"blocks.0.attn.proj.weight"});
    menu.reset(menuMaker->createMenu());
    QVERIFY(actionNamed(menu.get(), "ruleType"));
    QVERIFY(actionNamed(menu->findChild<QMenu*>("filterRuleMenu"), "ruleType"));
  }
};

QTEST_MAIN(RulesTest)
#include "rules_test.moc"
