#pragma once
// What each chart plots and how to read it: the text of its "What's this?" (Help ▸ What's This?,
// Shift+F1), with a link to its section of the manual (resources/help/manual.html). One table,
// keyed by ChartPanel::key(), so a chart and its help cannot drift apart silently (a test
// checks every chart has one and that each link's anchor exists in the manual).
#include <QString>

namespace aqui {

/// Rich text for `chartKey` ("memory", "accuracy", ...); empty for a key the table lacks.
QString chartWhatsThis(const QString& chartKey);
/// The manual's anchor for `chartKey` ("chart-memory"); empty for a key the table lacks.
QString chartManualAnchor(const QString& chartKey);
/// The link a "What's this?" text uses for `anchor`; the help controller opens the manual there.
QString manualLink(const QString& anchor);
/// The anchor of a link made by manualLink(); empty if `href` is not one.
QString anchorOfManualLink(const QString& href);

}  // namespace aqui
