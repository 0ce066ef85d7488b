// serverless-esbuild copies each function's files into <tmp>/<function>-<pid>-<time>-<hex> to zip
// them, then removes that folder without `recursive`, which fails on a non-empty folder and is
// ignored: every `serverless package` or `deploy` left a copy of every bundle in the temp folder
// (25 folders, ~40 MB, per run). After packaging, this removes the folders of this process only
// (its pid is in their names), so parallel runs keep theirs.
const { readdirSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

class EsbuildZipCleanup {
  constructor(serverless) {
    const functions = Object.keys(serverless.service.functions ?? {});
    const mine = new RegExp(
      `^(${functions.map((f) => f.replace(/[^A-Za-z0-9_-]/g, "")).join("|")})-${process.pid}-\\d+-[0-9a-f]{8}$`,
    );
    const cleanup = () => {
      for (const name of readdirSync(tmpdir())) {
        if (mine.test(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
      }
    };
    this.hooks = {
      "after:package:createDeploymentArtifacts": cleanup,
      "after:deploy:function:packageFunction": cleanup,
    };
  }
}

module.exports = EsbuildZipCleanup;
