// `sonora recommend eval|train` through the real binary: the table and JSON come out, junk
// lines are reported and skipped, a missing file or an empty history fails cleanly, and train
// writes a factor file that loads back with the database's ids.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "recommend/cf_model.h"
#include "store/database.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::recommend {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using ::testing::Not;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

class RecommendCliTest : public ::testing::Test {
 protected:
  Outcome Sonora(const std::string& args) {
    const std::string out = dir_.path() + "/stdout", err = dir_.path() + "/stderr";
    const std::string cmd = std::string(SONORA_BINARY) + " " + args + " >" + out + " 2>" + err;
    Outcome r;
    int status = std::system(cmd.c_str());
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.path() + "/" + name) << text;
    return dir_.path() + "/" + name;
  }
  testing::TempDir dir_;
};

TEST_F(RecommendCliTest, EvalReadsAFileAndReportsJunkLines) {
  // 40 users over 30 items in three blocks, plus two junk lines.
  std::string text = "not a line\n";
  for (int u = 0; u < 40; ++u) {
    for (int k = 0; k < 8; ++k) {
      text += "u" + std::to_string(u) + "\ti" + std::to_string((u % 3) * 10 + (u + k) % 10) + "\t" +
              std::to_string(1 + k % 3) + "\n";
    }
  }
  text += "u1 i2 lots\n";
  const std::string file = Write("plays.tsv", text);
  Outcome r = Sonora("recommend eval --interactions " + file + " --iterations 3 --factors 4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("skipped 2 malformed lines of 322 (first: 1 322)"));
  EXPECT_THAT(r.err, HasSubstr("als: iteration 3 loss"));
  EXPECT_THAT(r.out, HasSubstr("users 40, items 30, interactions 320"));
  EXPECT_THAT(r.out, HasSubstr("seeded random holdout"));  // no time column
  for (const char* model : {"\nals ", "\npopularity ", "\nitem_knn "}) {
    EXPECT_THAT(r.out, HasSubstr(model));
  }
}

TEST_F(RecommendCliTest, EvalFailsCleanlyOnBadInput) {
  Outcome missing = Sonora("recommend eval --interactions " + dir_.path() + "/nope.tsv");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("cannot open interactions file"));
  Outcome junk = Sonora("recommend eval --interactions " + Write("junk.tsv", "a b\nc\n"));
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_THAT(junk.err, HasSubstr("no 'user item count' line"));
  Outcome both = Sonora("recommend eval --synthetic --interactions " + Write("x.tsv", "a b 1\n"));
  EXPECT_NE(both.exit_code, 0);
  Outcome bad_factors = Sonora("recommend eval --synthetic --factors 0");
  EXPECT_NE(bad_factors.exit_code, 0);
  Outcome bad_confidence = Sonora("recommend eval --synthetic --confidence cubic");
  EXPECT_NE(bad_confidence.exit_code, 0);
  EXPECT_THAT(bad_confidence.err, HasSubstr("--confidence"));
  Outcome bad_epsilon = Sonora("recommend eval --synthetic --confidence log --epsilon 0");
  EXPECT_NE(bad_epsilon.exit_code, 0);
  EXPECT_THAT(bad_epsilon.err, HasSubstr("--epsilon"));
}

TEST_F(RecommendCliTest, EvalTakesTheLogConfidenceAndScaledRegularization) {
  const std::string base =
      "recommend eval --synthetic --synthetic-users 300 --synthetic-items 120 --iterations 4 "
      "--factors 8 --json";
  Outcome plain = Sonora(base);
  Outcome tuned = Sonora(base + " --confidence log --epsilon 0.5 --scale-regularization");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  ASSERT_EQ(tuned.exit_code, 0) << tuned.err;
  auto a = ParseJsonObject(plain.out);
  auto b = ParseJsonObject(tuned.out);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ((*a)["als"]["confidence"], "linear");
  EXPECT_EQ((*b)["als"]["confidence"], "log");
  EXPECT_EQ((*b)["als"]["epsilon"].get<double>(), 0.5);
  EXPECT_EQ((*b)["als"]["scale_regularization"], true);
  // The options reach the model: a different objective gives a different loss curve.
  EXPECT_NE((*a)["als"]["loss"][3].get<double>(), (*b)["als"]["loss"][3].get<double>());
}

TEST_F(RecommendCliTest, EvalComparesTheAspectModelAndTheBlend) {
  const std::string base =
      "recommend eval --synthetic --synthetic-users 300 --synthetic-items 120 --iterations 4 "
      "--factors 8 --topics 5 --aspect-iterations 6 --aspect-alpha 0.3 --aspect-beta 1 "
      "--aspect-weighting log";
  Outcome blend = Sonora(base + " --model blend --blend-weight 0.4 --aspect-restarts 2 --json");
  ASSERT_EQ(blend.exit_code, 0) << blend.err;
  EXPECT_THAT(blend.err, HasSubstr("aspect: restart 2 iteration 6 bound"));
  auto j = ParseJsonObject(blend.out);
  ASSERT_THAT(j, IsOk()) << blend.out;
  ASSERT_EQ((*j)["models"].size(), 6u);
  EXPECT_EQ((*j)["models"][0]["model"], "blend");
  EXPECT_EQ((*j)["models"][1]["model"], "als");
  EXPECT_EQ((*j)["models"][2]["model"], "aspect");
  EXPECT_EQ((*j)["models"][5]["model"], "oracle");
  EXPECT_EQ((*j)["model"], "blend");
  EXPECT_EQ((*j)["aspect"]["topics"], 5);
  EXPECT_EQ((*j)["aspect"]["weighting"], "log");
  EXPECT_EQ((*j)["aspect"]["restarts"], 2);
  EXPECT_FLOAT_EQ((*j)["aspect"]["blend_weight"].get<float>(), 0.4f);
  const auto& bounds = (*j)["aspect"]["bound"];
  ASSERT_EQ(bounds.size(), 12u);  // 2 restarts x 6 iterations
  for (size_t k = 1; k < 6; ++k) {
    EXPECT_GE(bounds[k].get<double>(), bounds[k - 1].get<double>() - 1e-6);
  }

  // The table names the model under test in every ratio line.
  Outcome aspect = Sonora(base + " --model aspect");
  ASSERT_EQ(aspect.exit_code, 0) << aspect.err;
  EXPECT_THAT(aspect.out, HasSubstr("aspect ndcg@10 / als: "));
  EXPECT_THAT(aspect.out, HasSubstr("aspect ndcg@10 / item_knn: "));
  EXPECT_THAT(aspect.out, HasSubstr("aspect ndcg@10 / oracle: "));

  // An ensemble: the 2 best of 3 restarts for each of 4 and 5 topics.
  Outcome ensemble = Sonora(base.substr(0, base.find("--topics")) +
                            "--topics 4,5 --aspect-iterations 6 --aspect-restarts 3 "
                            "--aspect-ensemble 2 --model aspect --json");
  ASSERT_EQ(ensemble.exit_code, 0) << ensemble.err;
  EXPECT_THAT(ensemble.err, HasSubstr("aspect: restart 3 iteration 6 bound"));
  auto e = ParseJsonObject(ensemble.out);
  ASSERT_THAT(e, IsOk()) << ensemble.out;
  EXPECT_EQ((*e)["models"][0]["model"], "aspect");
  EXPECT_EQ((*e)["aspect"]["topics"], Json::array({4, 5}));
  EXPECT_EQ((*e)["aspect"]["ensemble"], 2);
  EXPECT_EQ((*e)["aspect"]["bound"].size(), 36u);  // 2 topic counts x 3 restarts x 6 iterations
  EXPECT_GT((*e)["models"][0]["ndcg_at_10"].get<double>(), 0.0);
  // More members than restarts is refused once the options are read.
  Outcome too_many = Sonora(base + " --model aspect --aspect-restarts 2 --aspect-ensemble 3");
  EXPECT_NE(too_many.exit_code, 0);
  EXPECT_THAT(too_many.err, HasSubstr("ensemble"));

  // Bad values are refused before anything runs.
  for (const char* bad : {"--model mf", "--topics 0", "--topics 4,0", "--blend-weight 1.5",
                          "--aspect-weighting tfidf", "--aspect-alpha 0", "--aspect-restarts 0",
                          "--aspect-beta -1", "--aspect-inner-steps 0", "--aspect-ensemble 0"}) {
    Outcome r = Sonora("recommend eval --synthetic " + std::string(bad));
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_THAT(r.err, HasSubstr(std::string(bad).substr(0, std::string(bad).find(' ')))) << bad;
  }
  // train fits ALS only: it does not take the evaluation's model switch.
  Outcome train = Sonora("recommend train --model aspect --data-dir " + dir_.path());
  EXPECT_NE(train.exit_code, 0);
  EXPECT_THAT(train.err, HasSubstr("--model"));
}

TEST_F(RecommendCliTest, EvalComparesEaseAndTheEaseBlend) {
  const std::string base =
      "recommend eval --synthetic --synthetic-users 300 --synthetic-items 120 --iterations 4 "
      "--factors 8 --ease-weighting log";
  Outcome ease = Sonora(base + " --model ease --ease-lambda 50 --json");
  ASSERT_EQ(ease.exit_code, 0) << ease.err;
  auto j = ParseJsonObject(ease.out);
  ASSERT_THAT(j, IsOk()) << ease.out;
  ASSERT_EQ((*j)["models"].size(), 5u);
  EXPECT_EQ((*j)["models"][0]["model"], "ease");
  EXPECT_EQ((*j)["models"][1]["model"], "als");
  EXPECT_EQ((*j)["models"][2]["model"], "popularity");
  EXPECT_EQ((*j)["models"][3]["model"], "item_knn");
  EXPECT_EQ((*j)["models"][4]["model"], "oracle");
  EXPECT_EQ((*j)["model"], "ease");
  EXPECT_FLOAT_EQ((*j)["ease"]["lambda"].get<float>(), 50.0f);
  EXPECT_EQ((*j)["ease"]["weighting"], "log");
  EXPECT_EQ((*j)["ease"]["diagonal"], 0.0);
  EXPECT_GT((*j)["models"][0]["ndcg_at_10"].get<double>(),
            1.5 * (*j)["models"][2]["ndcg_at_10"].get<double>());
  // The options reach the model: another penalty gives another row.
  Outcome stronger = Sonora(base + " --model ease --ease-lambda 5000 --ease-diagonal 20 --json");
  ASSERT_EQ(stronger.exit_code, 0) << stronger.err;
  auto k = ParseJsonObject(stronger.out);
  ASSERT_THAT(k, IsOk()) << stronger.out;
  EXPECT_FLOAT_EQ((*k)["ease"]["lambda"].get<float>(), 5000.0f);
  EXPECT_FLOAT_EQ((*k)["ease"]["diagonal"].get<float>(), 20.0f);
  EXPECT_NE((*k)["models"][0]["coverage"].get<double>(),
            (*j)["models"][0]["coverage"].get<double>());

  Outcome blend = Sonora(base + " --model ease-blend --ease-lambda 50 --blend-weight 0.3");
  ASSERT_EQ(blend.exit_code, 0) << blend.err;
  EXPECT_THAT(blend.out, HasSubstr("\nease_blend "));
  EXPECT_THAT(blend.out, HasSubstr("\nease "));
  EXPECT_THAT(blend.out, HasSubstr("ease_blend ndcg@10 / ease: "));
  EXPECT_THAT(blend.out, HasSubstr("ease_blend ndcg@10 / oracle: "));

  // Bad values are refused before anything runs; NaN gets past the option's range check and is
  // refused by the evaluation before it trains.
  for (const char* bad : {"--ease-lambda 0", "--ease-lambda -5", "--ease-weighting tfidf",
                          "--ease-diagonal -1", "--model easy"}) {
    Outcome r = Sonora("recommend eval --synthetic --model ease " + std::string(bad));
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_THAT(r.err, HasSubstr(std::string(bad).substr(0, std::string(bad).find(' ')))) << bad;
  }
  Outcome nan = Sonora("recommend eval --synthetic --model ease --ease-lambda nan");
  EXPECT_NE(nan.exit_code, 0);
  EXPECT_THAT(nan.err, HasSubstr("EASE lambda must be a finite number > 0"));
  EXPECT_THAT(nan.out, Not(HasSubstr("ndcg")));
}

TEST_F(RecommendCliTest, EvalSyntheticJsonHasEveryModelAndTheOracle) {
  Outcome r = Sonora(
      "recommend eval --synthetic --synthetic-users 300 --synthetic-items 120 --iterations 4 "
      "--factors 8 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = ParseJsonObject(r.out);
  ASSERT_THAT(j, IsOk()) << r.out;
  ASSERT_EQ((*j)["models"].size(), 4u);
  EXPECT_EQ((*j)["models"][0]["model"], "als");
  EXPECT_EQ((*j)["models"][3]["model"], "oracle");
  EXPECT_EQ((*j)["split"], "time");
  EXPECT_EQ((*j)["als"]["loss"].size(), 4u);
  for (const auto& m : (*j)["models"]) {
    EXPECT_GE(m["ndcg_at_10"].get<double>(), 0.0);
    EXPECT_LE(m["ndcg_at_10"].get<double>(), 1.0);
  }
}

TEST_F(RecommendCliTest, TrainSavesFactorsWithTheDatabaseIds) {
  const std::string data = dir_.path() + "/data";
  Outcome empty = Sonora("recommend train --data-dir " + data + " --log-level warn");
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_THAT(empty.err, HasSubstr("no listening history"));

  {
    // The first run created and migrated the database; add two listeners.
    auto db = store::OpenDatabase("sqlite://" + data + "/sonora.db", {});
    ASSERT_THAT(db, IsOk());
    auto exec = [&](std::string_view sql, const store::Params& p = {}) {
      ASSERT_THAT((*db)->Execute(sql, p), IsOk()) << sql;
    };
    for (const char* u : {"alice", "bob"}) {
      exec(
          "INSERT INTO users (user_id, email, email_lower, username, username_lower,"
          " display_name, country, password_hash, created_at_ms)"
          " VALUES (?, ?, ?, ?, ?, ?, 'US', 'x', 0)",
          {u, std::string(u) + "@x", std::string(u) + "@x", u, u, u});
    }
    int session = 0;
    for (auto [u, t] : {std::pair{"alice", "t1"}, {"alice", "t2"}, {"bob", "t2"}, {"bob", "t3"}}) {
      exec(
          "INSERT INTO listens (session_id, user_id, track_id, started_at_ms,"
          " last_event_at_ms, duration_played_ms, counted) VALUES (?, ?, ?, 1, 1, 60000, 1)",
          {"s" + std::to_string(++session), u, t});
    }
  }
  Outcome r = Sonora("recommend train --data-dir " + data +
                     " --log-level warn --factors 4 "
                     "--iterations 3");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("2 users, 3 tracks, 4 interactions"));
  EXPECT_THAT(r.out, HasSubstr("recommend/als_factors.bin"));
  auto model = LoadFactorModel(FactorModelPath(data));
  ASSERT_THAT(model, IsOk());
  EXPECT_EQ(model->factors, 4);
  EXPECT_EQ(model->user_ids, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(model->item_ids, (std::vector<std::string>{"t1", "t2", "t3"}));

  // eval without a file reads the same history from the database.
  Outcome eval = Sonora("recommend eval --data-dir " + data +
                        " --log-level warn --holdout 1 --factors 2 --iterations 2");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_THAT(eval.out, HasSubstr("listening history in sqlite://"));
  EXPECT_THAT(eval.out,
              HasSubstr("users 2, items 3, interactions 4, train cells 2, evaluated users 2"));
  // Two items per user cannot spare five.
  Outcome too_few = Sonora("recommend eval --data-dir " + data + " --log-level warn");
  EXPECT_EQ(too_few.exit_code, 1);
  EXPECT_THAT(too_few.err, HasSubstr("no user has enough interactions to hold out 5"));
}

}  // namespace
}  // namespace sonora::recommend
