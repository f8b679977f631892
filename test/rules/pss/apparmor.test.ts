import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './apparmor.cases.js';

ruleTester(cases.rule, cases);
