#pragma once
// Shared by the GUI tests: a private settings location, small DiT-shaped fixture models, and
// helpers to wait for the window.
#include <QObject>
#include <QString>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace aqui {
class MainWindow;
}

namespace guitest {

/// Settings go to a temporary folder under a test organisation name; call first in initTestCase.
void isolateSettings();

/// A DiT-shaped fp16 safetensors model: `blocks` transformer blocks of width `hidden`, with the
/// embedders, norms and biases a real one has (so the keep rules fire). hidden 64, 2 blocks is
/// ~110 k parameters and quantizes in milliseconds.
void writeSmallDit(const std::filesystem::path& path, int hidden = 64, int blocks = 2, uint64_t seed = 7);

/// Opens `path` in the window and waits until it is loaded (or failed); true when loaded.
bool openAndWait(aqui::MainWindow& w, const QString& path, int timeoutMs = 30000);
/// The same for the built-in demo model (generated into $XDG_CACHE_HOME the first time).
bool openDemoAndWait(aqui::MainWindow& w, int timeoutMs = 300000);
/// Starts a run (or compare when `bits` is not empty) and waits until the queue finishes.
bool runAndWait(aqui::MainWindow& w, const std::vector<int>& bits = {}, int timeoutMs = 120000);

/// The window's part of type T, found as a person finds it, by what it is (the window keeps no
/// getters for tests). There must be exactly one; anything else aborts the test, naming the type.
template <typename T>
T* part(const QObject& window) {
  const auto found = window.findChildren<T*>();
  if (found.size() != 1) {
    std::fprintf(stderr, "guitest::part: %d parts of type %s in the window, not one\n", int(found.size()),
                 T::staticMetaObject.className());
    std::abort();
  }
  return found.front();
}

/// The file's bytes (empty if unreadable).
QByteArray readAll(const QString& path);

}  // namespace guitest
