// The ring of commands awaiting replies: first in, first out, across its
// two inline slots and the vector it grows into, with every command's text
// intact after slots are reused.
#include "ftpsniff/pending_commands.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace ftpsniff {
namespace {

TEST(PendingCommands, KeepsOrderWhateverTheMixOfPushesAndPops) {
    PendingCommands ring;
    std::deque<PendingCommand> model;  // what a plain queue holds
    std::mt19937 rng(5);
    PendingCommand taken;
    for (int step = 0; step < 20000; ++step) {
        // Mostly one or two outstanding, now and then a burst of pipelining.
        bool burst = step % 997 < 40;
        if (model.empty() || rng() % 100 < (burst ? 90 : 50)) {
            std::string verb = step % 13 == 0 ? std::string(300, 'V') : "CMD" + std::to_string(step % 7);
            std::string arg = std::string(rng() % 400, 'a') + std::to_string(step);
            Timestamp ts{step, static_cast<std::uint32_t>(step)};
            ring.push_back(verb, arg, ts);
            model.push_back({verb, arg, ts});
        } else if (rng() % 2 == 0) {
            ring.pop_front_into(taken);
            ASSERT_EQ(taken.verb, model.front().verb) << step;
            ASSERT_EQ(taken.arg, model.front().arg) << step;
            ASSERT_EQ(taken.ts, model.front().ts) << step;
            model.pop_front();
        } else {
            ASSERT_EQ(ring.front().arg, model.front().arg) << step;
            ring.pop_front();
            model.pop_front();
        }
        ASSERT_EQ(ring.size(), model.size());
        ASSERT_EQ(ring.has_verb("CMD3"),
                  std::any_of(model.begin(), model.end(), [](const PendingCommand& c) { return c.verb == "CMD3"; }));
        if (step % 5000 == 4999) {
            ring.clear();
            model.clear();
        }
    }
}

}  // namespace
}  // namespace ftpsniff
