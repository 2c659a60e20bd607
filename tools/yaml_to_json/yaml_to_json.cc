// Build-time tool: converts docs/openapi.yaml to JSON so the server can serve
// /api/v1/openapi.json from the one hand-written YAML source.
//
// Usage: yaml_to_json INPUT.yaml OUTPUT.json. Plain scalars become booleans, nulls and numbers
// where YAML 1.2's core schema says so; quoted scalars stay strings.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace {

nlohmann::json Convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& item : node) {
        object[item.first.as<std::string>()] = Convert(item.second);
      }
      return object;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json array = nlohmann::json::array();
      for (const auto& item : node) {
        array.push_back(Convert(item));
      }
      return array;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = node.Scalar();
      if (node.Tag() == "!") {  // Quoted: always a string.
        return text;
      }
      if (text == "true" || text == "false") {
        return text == "true";
      }
      if (text == "null" || text == "~") {
        return nullptr;
      }
      static const std::regex kInteger("-?(0|[1-9][0-9]*)");
      static const std::regex kNumber("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
      if (std::regex_match(text, kInteger)) {
        return std::stoll(text);
      }
      if (std::regex_match(text, kNumber)) {
        return nlohmann::json::parse(text);
      }
      return text;
    }
    default:
      return nullptr;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: yaml_to_json INPUT.yaml OUTPUT.json\n";
    return 2;
  }
  try {
    const YAML::Node root = YAML::LoadFile(argv[1]);
    std::ofstream out(argv[2]);
    out << Convert(root).dump() << "\n";
    return out.good() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "yaml_to_json: " << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
}
