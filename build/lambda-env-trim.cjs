// Lambda refuses a function whose environment, measured as its JSON, exceeds 4 KB. serverless.yml
// lists every NB_* setting so that the shell's value reaches the functions, and an unset one comes
// out as "": over 100 of them, ~3.7 KB of names for nothing (the service treats an empty value as
// unset, lib/config/env.ts). Before the template is written, the empty ones are left out of each
// function's environment; offline and `print` still see serverless.yml as written.

/** The variables without the empty ones. */
function withoutEmpty(variables) {
  return Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== ""));
}

class LambdaEnvTrim {
  constructor(serverless) {
    const trim = () => {
      const resources =
        serverless.service.provider.compiledCloudFormationTemplate?.Resources ?? {};
      for (const resource of Object.values(resources)) {
        const env = resource?.Type === "AWS::Lambda::Function" && resource.Properties?.Environment;
        if (env?.Variables) env.Variables = withoutEmpty(env.Variables);
      }
    };
    this.hooks = { "before:package:finalize": trim };
  }
}

module.exports = LambdaEnvTrim;
